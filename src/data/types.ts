/** A preference pair: `chosen` was preferred to `rejected` as an answer to `prompt`. */
export interface PreferencePair {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface Candidate {
  id: string;
  text: string;
  /** The true reward r*(x, y) when known (gold reward, judged preference, or human label). */
  trueReward?: number;
}

/** The policy's action space for one prompt. */
export interface CandidateSet {
  id: string;
  prompt: string;
  candidates: Candidate[];
}

export type Split = "train" | "validation" | "test";

/** Everything a data source yields, already split by prompt. */
export interface Dataset {
  pairs: Record<Split, PreferencePair[]>;
  /** Candidate sets of held-out (test) prompts, for policy optimisation. */
  candidateSets: CandidateSet[];
  /** Records dropped while reading, by reason (e.g. identical chosen and rejected). */
  dropped: Record<string, number>;
  source: string;
}

/** One item read from a data file at a line: a value, or the reason it was dropped (counted in `Dataset.dropped`). */
export type LineRecord<T> =
  | {
      line: number;
      value: T /** Empty responses it holds, kept by data.onEmptyResponse: keep. */;
      empty?: number;
    }
  | { line: number; dropped: string };
