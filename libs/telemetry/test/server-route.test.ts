import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { setServerRoute } from '../src/index.js';

describe('setServerRoute', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('when an incoming request is traced, then its metadata gets the route the HTTP span is named after', () => {
    const metadata: RPCMetadata = { type: RPCType.HTTP, span: undefined as never };
    context.with(setRPCMetadata(ROOT_CONTEXT, metadata), () => {
      setServerRoute('/v1/products/:id');
      expect(getRPCMetadata(context.active())?.route).toBe('/v1/products/:id');
    });
  });

  it('when nothing is traced or no route matched, then it does nothing', () => {
    expect(() => setServerRoute('/v1/products')).not.toThrow();
    const metadata: RPCMetadata = { type: RPCType.HTTP, span: undefined as never };
    context.with(setRPCMetadata(ROOT_CONTEXT, metadata), () => setServerRoute(undefined));
    expect(metadata.route).toBeUndefined();
  });
});
