// Fastify compiles a response serializer for every status code of every route, and most of them
// are the one Error schema (schemas.ts `responses`): 263 compiled at start, of 103 distinct
// schemas, the copies about 0.5 MB of idle memory. This factory wraps Fastify's own
// (fast-json-stringify) and compiles each distinct schema once. A schema's top-level description
// is left out of the comparison: it is documentation, and fast-json-stringify does not read it.
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

export function sharedSerializers(): SerializerFactory {
  const build = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    const compiled = new Map<string, ReturnType<typeof compile>>();
    return (route) => {
      const { description: _documentation, ...schema } = (route.schema ?? {}) as { description?: string };
      const key = JSON.stringify(schema);
      let serialize = compiled.get(key);
      if (!serialize) compiled.set(key, (serialize = compile(route)));
      return serialize;
    };
  };
}
