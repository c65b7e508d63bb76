import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { applyOverrides, loadConfig, resolveConfig } from "../../src/config/load.js";
import { UserError } from "../../src/runtime/errors.js";
import { suggestKey } from "../../src/runtime/suggest.js";

const dir = mkdtempSync(join(tmpdir(), "align-config-errors-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The UserError message `run` throws; fails when it throws anything else or nothing. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    return error.message;
  }
  assert.fail("expected an error");
}

test("a rejected value is shown beside the reason", () => {
  const message = messageOf(() => resolveConfig({ rewardModel: { members: 0, head: "cnn" } }, "c.yaml"));
  assert.match(message, /rewardModel\.members: Number must be greater than or equal to 1; got 0/);
  assert.match(message, /rewardModel\.head: .*; got "cnn"/);
});

test("misspelt keys get a did-you-mean by edit distance, case ignored", () => {
  const message = messageOf(() => resolveConfig({ rewardmodel: { epochs: 2 }, seeed: 3 }, "c.yaml"));
  assert.match(message, /unknown key 'rewardmodel' \(did you mean 'rewardModel'\?\)/);
  assert.match(message, /unknown key 'seeed' \(did you mean 'seed'\?\)/);
  const nested = messageOf(() => resolveConfig({ rewardModel: { membrs: 3 } }, "c.yaml"));
  assert.match(nested, /unknown key 'rewardModel\.membrs' \(did you mean 'rewardModel\.members'\?\)/);
  // Nothing close: no suggestion rather than a wild one.
  const far = messageOf(() => resolveConfig({ colour: "red" }, "c.yaml"));
  assert.doesNotMatch(far, /did you mean/);
  assert.equal(suggestKey("membrs", ["members", "head"]), "members");
  assert.equal(suggestKey("zzzz", ["members", "head"]), undefined);
});

test("errors caused by --set name the override, not the file", () => {
  const path = file("ok.yaml", "name: ok\nrewardModel:\n  members: 3\n");
  const message = messageOf(() => loadConfig(path, ["rewardModel.members=0"]));
  assert.match(message, /^invalid --set override:/);
  assert.match(message, /rewardModel\.members: .*; got 0 \[--set rewardModel\.members=0\]/);
  assert.doesNotMatch(message, /ok\.yaml/);
  const typo = messageOf(() => loadConfig(path, ["rewardModel.membrs=4"]));
  assert.match(
    typo,
    /unknown key 'rewardModel\.membrs' \(did you mean 'rewardModel\.members'\?\) \[--set rewardModel\.membrs=4\]/,
  );
  // A file error beside an override error: the file is named, and the override still tagged.
  const bad = file("bad.yaml", "rewardModel:\n  epochs: 0\n");
  const both = messageOf(() => loadConfig(bad, ["seed=-1"]));
  assert.match(both, /bad\.yaml: invalid config/);
  assert.match(both, /rewardModel\.epochs: .*; got 0$/m);
  assert.match(both, /seed: .*; got -1 \[--set seed=-1\]/);
});

test("--set gives a string where the schema wants one, whatever YAML would read", () => {
  const config = resolveConfig(applyOverrides({}, ["name=123", "data.columns.prompt=true"]), "c");
  assert.equal(config.name, "123");
  assert.equal(config.data.columns.prompt, "true");
  // Numbers stay numbers where numbers are wanted.
  assert.equal(resolveConfig(applyOverrides({}, ["seed=7"]), "c").seed, 7);
});

test("--set refuses keys that would reach Object.prototype", () => {
  for (const key of ["__proto__.x", "constructor.prototype.x", "rewardModel.__proto__.polluted"]) {
    assert.match(
      messageOf(() => applyOverrides({}, [`${key}=1`])),
      /is not a config key/,
      key,
    );
  }
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // In a YAML file, __proto__ is an ordinary (unknown) key.
  const message = messageOf(() => loadConfig(file("proto.yaml", "__proto__:\n  x: 1\n")));
  assert.match(message, /unknown key '__proto__'/);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test("the YAML error shows its snippet whole", () => {
  const message = messageOf(() => loadConfig(file("bad.yaml", "name: ok\nrewardModel:\n  members: [1, 2\n")));
  assert.match(message, /bad\.yaml:\d+:\d+: YAML syntax error: /);
  assert.match(message, /members: \[1, 2\n/, "the offending line is quoted");
  assert.match(message, /\^/, "the caret under it is kept");
});

test("a YAML alias bomb is refused as a user error", () => {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const [i, name] of ["b", "c", "d", "e", "f", "g", "h", "i"].entries()) {
    const previous = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
  }
  const message = messageOf(() => loadConfig(file("bomb.yaml", `${levels.join("\n")}\n`)));
  assert.match(message, /bomb\.yaml: refused: more than \d+ YAML aliases/);
});

test("a missing config file says not found", () => {
  assert.match(
    messageOf(() => loadConfig(join(dir, "nope.yaml"))),
    /nope\.yaml: config file not found/,
  );
  assert.match(
    messageOf(() => loadConfig(dir)),
    /is a folder, not a config file/,
  );
});

test("sizes that would run for ever have upper bounds", () => {
  assert.match(
    messageOf(() =>
      resolveConfig(applyOverrides({}, ["simulate.instances=1e9"]), "c", undefined, [
        "simulate.instances=1e9",
      ]),
    ),
    /simulate\.instances: Number must be less than or equal to 100000; got 1000000000 \[--set simulate\.instances=1e9\]/,
  );
  for (const key of ["simulate.draws", "data.synthetic.prompts", "data.synthetic.pairsPerPrompt"]) {
    assert.throws(
      () => resolveConfig(applyOverrides({}, [`${key}=1e9`]), "c"),
      new RegExp(`${key}: Number must be less`),
    );
  }
});

test("a renamed key names its new name", () => {
  const message = messageOf(() =>
    resolveConfig(
      {
        data: {
          source: "csv",
          path: "x.csv",
          csv: { prompt: "q" },
          alpacaPairsPerInstruction: 2,
          alpacaMinPreferenceGap: 0.2,
          eval: { source: "csv", path: "y.csv", csv: { prompt: "q" } },
        },
      },
      "c.yaml",
    ),
  );
  assert.match(message, /unknown key 'data\.csv' \(renamed to 'data\.columns'\)/);
  assert.match(
    message,
    /unknown key 'data\.alpacaPairsPerInstruction' \(renamed to 'data\.pairsPerPrompt'\)/,
  );
  assert.match(message, /unknown key 'data\.alpacaMinPreferenceGap' \(renamed to 'data\.minRewardGap'\)/);
  assert.match(message, /unknown key 'data\.eval\.csv' \(renamed to 'data\.eval\.columns'\)/);
});
