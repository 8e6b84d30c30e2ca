// The checks every route gets before its schema runs: a JSON body's nesting is counted before it
// is parsed (50,000 brackets would overflow any recursive walk), and no string of the body, the
// query or the path may hold a control character (PostgreSQL refuses NUL). Bound at the root by
// src/server/app.ts, so that routes added later get them too.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ServerError } from "./errors.ts";
import { controlCharacterIn, fieldLabel, jsonDepthMax, jsonNestsDeeperThan } from "./input-rules.ts";

/**
 * Reads `application/json` in this scope: nesting counted first, then Fastify's own parser (which
 * refuses `__proto__`). With `emptyIsNone`, an empty body is no body (a POST that needs none).
 */
export function parseJsonBodies(fastify: FastifyInstance, options: { emptyIsNone?: boolean } = {}): void {
  const json = fastify.getDefaultJsonParser("error", "error");
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text === "" && options.emptyIsNone) return done(null, undefined);
    if (jsonNestsDeeperThan(text, jsonDepthMax))
      return done(new ServerError("body_too_deep", undefined, { limit: jsonDepthMax }), undefined);
    return json(request, text, done);
  });
}

/** The first control character in a parsed value (keys included), with the field it is in. */
export function findControlCharacter(
  value: unknown,
  root: string,
): { field: string; character: string } | undefined {
  const stack: { value: unknown; field: string }[] = [{ value, field: root }];
  while (stack.length > 0) {
    const { value: v, field } = stack.pop()!;
    if (typeof v === "string") {
      const character = controlCharacterIn(v);
      if (character) return { field, character };
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push({ value: item, field: `${field}[${i}]` });
    } else if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) {
      for (const [key, item] of Object.entries(v)) {
        const name = field === "" ? key : `${field}.${key}`;
        const character = controlCharacterIn(key);
        if (character) return { field: name, character };
        stack.push({ value: item, field: name });
      }
    }
  }
  return undefined;
}

/** Refuses a control character anywhere in the request's body, query or path parameters. */
async function refuseControlCharacters(request: FastifyRequest): Promise<void> {
  // A wildcard's tail is the route's own to read (an OCSP GET carries base64 there).
  const { "*": _tail, ...params } = (request.params ?? {}) as Record<string, unknown>;
  for (const value of [request.body, request.query, params]) {
    // Fields are named as the schema names them; a body that is one string is "body".
    const found = findControlCharacter(value, typeof value === "string" ? "body" : "");
    if (found) {
      const field = fieldLabel(found.field);
      throw new ServerError("control_character", field, { field, character: found.character });
    }
  }
}

/** Binds both checks to this instance and every route registered on it from now on. */
export function guardInput(fastify: FastifyInstance): void {
  parseJsonBodies(fastify);
  fastify.addHook("preValidation", refuseControlCharacters);
}
