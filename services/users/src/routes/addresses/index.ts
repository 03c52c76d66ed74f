import { problemResponses, type App } from '@bazaar/service-kit';
import { Type } from '@sinclair/typebox';
import { addAddress, deleteAddress, listAddresses } from '../../domain/addresses.js';
import { bearerSecurity } from '../shared-schemas.js';
import {
  AddressBody,
  AddressList,
  AddressListQuery,
  AddressParams,
  AddressSchema,
} from './schemas.js';
import type { RouteDeps } from '../route-deps.js';

const tags = ['me'];

/** `GET/POST /v1/me/addresses`, `DELETE /v1/me/addresses/:id`. */
export async function addressRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/v1/me/addresses',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        operationId: 'listAddresses',
        summary: "The signed-in user's addresses",
        description: "The signed-in user's saved addresses.",
        security: bearerSecurity,
        querystring: AddressListQuery,
        response: { 200: AddressList, ...problemResponses([400, 401], { ref: true }) },
      },
    },
    async (request) => listAddresses(ctx, request.user!.id, request.query),
  );

  app.post(
    '/v1/me/addresses',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        operationId: 'addAddress',
        summary: 'Save an address',
        description: 'Saves an address for the signed-in user and answers it with its id.',
        security: bearerSecurity,
        body: AddressBody,
        response: { 201: AddressSchema, ...problemResponses([400, 401, 409], { ref: true }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addAddress(ctx, request.user!.id, request.body)),
  );

  app.delete(
    '/v1/me/addresses/:id',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        operationId: 'deleteAddress',
        summary: 'Delete one of the signed-in user’s addresses',
        description:
          "Deletes one of the signed-in user's addresses; 404 when there is no such address of theirs.",
        security: bearerSecurity,
        params: AddressParams,
        response: { 204: Type.Null(), ...problemResponses([400, 401, 404], { ref: true }) },
      },
    },
    async (request, reply) => {
      await deleteAddress(ctx, request.user!.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
