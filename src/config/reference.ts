import { z } from "zod";
import { configSchema } from "./schema.js";

/** One documented config key, derived from the schema: the README's reference is generated from these. */
export interface KeyDoc {
  key: string;
  type: string;
  default: string;
  help: string;
}

function unwrap(schema: z.ZodTypeAny): { inner: z.ZodTypeAny; defaultValue?: unknown; optional: boolean } {
  let inner = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      defaultValue = inner._def.defaultValue();
      inner = inner._def.innerType;
    } else if (inner instanceof z.ZodOptional) {
      optional = true;
      inner = inner._def.innerType;
    } else if (inner instanceof z.ZodEffects) {
      inner = inner._def.schema;
    } else {
      return { inner, defaultValue, optional };
    }
  }
}

function numberType(schema: z.ZodNumber): string {
  const checks = schema._def.checks;
  const isInt = checks.some((c) => c.kind === "int");
  const bounds = checks
    .filter((c) => c.kind === "min" || c.kind === "max")
    .map((c) => {
      const check = c as { kind: "min" | "max"; value: number; inclusive: boolean };
      if (check.value === Number.MAX_SAFE_INTEGER) return "";
      const op = check.kind === "min" ? (check.inclusive ? "≥" : ">") : check.inclusive ? "≤" : "<";
      return `${op} ${check.value}`;
    })
    .filter(Boolean);
  return `${isInt ? "integer" : "number"}${bounds.length ? ` (${bounds.join(", ")})` : ""}`;
}

function typeName(schema: z.ZodTypeAny): string {
  const { inner } = unwrap(schema);
  if (inner instanceof z.ZodNumber) return numberType(inner);
  if (inner instanceof z.ZodString) return "string";
  if (inner instanceof z.ZodBoolean) return "boolean";
  if (inner instanceof z.ZodEnum) return (inner.options as string[]).map((o) => `\`${o}\``).join(" \\| ");
  if (inner instanceof z.ZodArray) return `list of ${typeName(inner._def.type)}`;
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodTypeAny[]).map(optionName).join(" or ");
  return "section";
}

/** One alternative of a union: a type, or an object's keys with their types (`{include: list of string}`). */
function optionName(schema: z.ZodTypeAny): string {
  const { inner } = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return typeName(inner);
  const keys = Object.entries(inner.shape as Record<string, z.ZodTypeAny>).map(
    ([key, child]) => `${key}: ${typeName(child)}`,
  );
  return `{${keys.join(", ")}}`;
}

export function configReference(): KeyDoc[] {
  const docs: KeyDoc[] = [];
  const walk = (schema: z.ZodTypeAny, prefix: string) => {
    const { inner } = unwrap(schema);
    if (!(inner instanceof z.ZodObject)) return;
    for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodTypeAny>)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const { inner: childInner, defaultValue, optional } = unwrap(child);
      const isSection = childInner instanceof z.ZodObject;
      docs.push({
        key: path,
        type: typeName(child),
        default: isSection
          ? ""
          : defaultValue !== undefined
            ? `\`${JSON.stringify(defaultValue)}\``
            : optional
              ? "unset"
              : "",
        help: child.description ?? "",
      });
      if (isSection) walk(childInner, path);
    }
  };
  walk(configSchema, "");
  return docs;
}

/** The reference as a markdown table. */
export function configReferenceMarkdown(): string {
  const rows = configReference().map((d) => `| \`${d.key}\` | ${d.type} | ${d.default} | ${d.help} |`);
  return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
