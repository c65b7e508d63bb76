import { logger, parse, View, Warn } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Compiles a vega-lite spec, collecting its warnings: a warning (e.g. a dropped encoding) means a
 * builder produced a spec that does not say what it means, so the plot tests require none.
 */
export function compileCollectingWarnings(spec: TopLevelSpec) {
  const warnings: string[] = [];
  const log = logger(Warn);
  log.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
    return log;
  };
  return { compiled: compile(spec, { logger: log }).spec, warnings };
}

/** Renders a compiled spec headless to SVG with vega. */
export function svgOf(compiled: ReturnType<typeof compileCollectingWarnings>["compiled"]): Promise<string> {
  return new View(parse(compiled), { renderer: "none" }).toSVG();
}
