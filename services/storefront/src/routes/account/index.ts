import type { App } from '@bazaar/service-kit';
import { bearer, IdParams, problems } from '../common-schemas.js';
import { forward, segment } from '../relay.js';
import type { RouteDeps } from '../route-deps.js';
import {
  Address,
  AddressList,
  AddressListQuery,
  NewAddressBody,
  Profile,
  UpdateProfileBody,
} from './schemas.js';

const tags = ['account'];

/** `/v1/me`: the shopper's profile and addresses, answered by the users service. */
export async function accountRoutes(app: App, { upstreams }: RouteDeps): Promise<void> {
  const guard = { preValidation: [app.requireUser, app.limitPerUser] };
  const { users } = upstreams;

  app.get(
    '/v1/me',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'getProfile',
        summary: 'My profile',
        description: "The signed-in shopper's profile.",
        security: bearer,
        response: { 200: Profile, ...problems(401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, users, {
        method: 'GET',
        path: '/v1/me',
        idempotent: true,
      }),
  );

  app.patch(
    '/v1/me',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'updateProfile',
        summary: 'Change my profile',
        description: "Changes the signed-in shopper's name and answers the profile as changed.",
        security: bearer,
        body: UpdateProfileBody,
        response: { 200: Profile, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, users, {
        method: 'PATCH',
        path: '/v1/me',
        body: request.body,
      }),
  );

  app.get(
    '/v1/me/addresses',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'listAddresses',
        summary: 'My addresses',
        description: "The signed-in shopper's saved addresses.",
        security: bearer,
        querystring: AddressListQuery,
        response: { 200: AddressList, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, users, {
        method: 'GET',
        path: '/v1/me/addresses',
        query: request.query,
        idempotent: true,
      }),
  );

  app.post(
    '/v1/me/addresses',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'addAddress',
        summary: 'Add an address',
        description: 'Saves an address for the signed-in shopper and answers it with its id.',
        security: bearer,
        body: NewAddressBody,
        response: { 201: Address, ...problems(400, 401) },
      },
    },
    async (request, reply) =>
      forward(request, reply, users, {
        method: 'POST',
        path: '/v1/me/addresses',
        body: request.body,
      }),
  );

  app.delete(
    '/v1/me/addresses/:id',
    {
      ...guard,
      schema: {
        tags,
        operationId: 'deleteAddress',
        summary: 'Remove an address',
        description:
          "Deletes one of the signed-in shopper's addresses; 404 when there is no such address of theirs.",
        security: bearer,
        params: IdParams,
        response: { 204: { description: 'Removed', type: 'null' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) =>
      forward(request, reply, users, {
        method: 'DELETE',
        path: `/v1/me/addresses/${segment(request.params.id)}`,
        idempotent: true,
      }),
  );
}
