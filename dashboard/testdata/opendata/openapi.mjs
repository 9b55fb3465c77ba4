// Validates an OpenAPI document with two validators that are not
// councildash's: @seriousme/openapi-schema-validator (the document against
// the OpenAPI 3.1 JSON schemas) and @apidevtools/swagger-parser (the same,
// and every $ref resolves). Prints one JSON document with their verdicts.
// Usage: node openapi.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
const out = {};
const v = new Validator();
const res = await v.validate(file);
out.schema_validator = { valid: res.valid, version: v.version || "", errors: res.valid ? [] : res.errors };
try {
  const api = await SwaggerParser.validate(file);
  out.swagger_parser = { valid: true, openapi: api.openapi, paths: Object.keys(api.paths), errors: [] };
} catch (e) {
  out.swagger_parser = { valid: false, openapi: "", paths: [], errors: [String(e && e.message)] };
}
process.stdout.write(JSON.stringify(out));
