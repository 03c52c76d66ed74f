import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { signInPage, signUpPage, ACCOUNT_LABELS } from '../views/account.js';
import { emptyForm, formFromProblem } from '../views/forms.js';
import { pageContext, safeNext, sendPage, type RouteDeps } from './page-kit.js';

const Next = Type.Optional(Type.String({ maxLength: 500 }));
export const SignUpBody = Type.Object({
  _csrf: Type.String(),
  next: Next,
  name: Type.String({ maxLength: 1000 }),
  email: Type.String({ maxLength: 1000 }),
  password: Type.String({ maxLength: 1000 }),
});
export const SignInBody = Type.Object({
  _csrf: Type.String(),
  next: Next,
  email: Type.String({ maxLength: 1000 }),
  password: Type.String({ maxLength: 1000 }),
});
const NextQuery = Type.Object({ next: Next });

/** Sign up, sign in, sign out: the token pair goes into HttpOnly cookies (plugins/session). */
export async function accountRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { api } = deps;

  app.get<{ Querystring: Static<typeof NextQuery> }>(
    '/signup',
    { schema: { querystring: NextQuery } },
    async (request, reply) => {
      const ctx = pageContext(deps, request);
      return sendPage(reply, ctx, signUpPage(ctx, emptyForm(), safeNext(request.query.next)));
    },
  );

  app.post<{ Body: Static<typeof SignUpBody> }>(
    '/signup',
    { schema: { body: SignUpBody } },
    async (request, reply) => {
      const { name, email, password } = request.body;
      const next = safeNext(request.body.next);
      const caller = { requestId: request.id, ip: request.ip };
      const answer = await api.register(caller, {
        name: name.trim(),
        email: email.trim(),
        password,
      });
      if (answer.ok) {
        request.session.signIn(answer.body);
        return reply.redirect(next, 303);
      }
      const ctx = pageContext(deps, request);
      const form = formFromProblem(answer.problem, { name, email }, ACCOUNT_LABELS);
      return sendPage(reply, ctx, signUpPage(ctx, form, next), answer.status);
    },
  );

  app.get<{ Querystring: Static<typeof NextQuery> }>(
    '/signin',
    { schema: { querystring: NextQuery } },
    async (request, reply) => {
      const ctx = pageContext(deps, request);
      return sendPage(reply, ctx, signInPage(ctx, emptyForm(), safeNext(request.query.next)));
    },
  );

  app.post<{ Body: Static<typeof SignInBody> }>(
    '/signin',
    { schema: { body: SignInBody } },
    async (request, reply) => {
      const { email, password } = request.body;
      const next = safeNext(request.body.next);
      const answer = await api.login(
        { requestId: request.id, ip: request.ip },
        { email: email.trim(), password },
      );
      if (answer.ok) {
        request.session.signIn(answer.body);
        return reply.redirect(next, 303);
      }
      const ctx = pageContext(deps, request);
      const form =
        answer.status === 401
          ? {
              values: { email },
              errors: {},
              message: 'That email and password do not match an account.',
            }
          : formFromProblem(answer.problem, { email }, ACCOUNT_LABELS);
      return sendPage(reply, ctx, signInPage(ctx, form, next), answer.status);
    },
  );

  app.post(
    '/signout',
    { schema: { body: Type.Object({ _csrf: Type.String() }) } },
    async (request, reply) => {
      await request.session.signOut();
      return reply.redirect('/', 303);
    },
  );
}
