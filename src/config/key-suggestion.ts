// "Did you mean …?" for a misspelt configuration key: finds the keys the schema allows at a path and
// picks the nearest by edit distance.
import { z } from "zod";
import { nearestName } from "../core/text/edit-distance.js";

export function suggestKey(
  schema: z.ZodType,
  path: readonly (string | number)[],
  typo: string,
): string | undefined {
  return nearestName(keysAt(schema, path), typo);
}

function keysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const step of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject) current = current.shape[String(step)] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
  }
  current = unwrap(current);
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let i = 0; i < 10 && s; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else break;
  }
  return s;
}

