#!/usr/bin/env bash
# Downloads the public preference data that the real-data configs read, into DEST:
#   DEST/hh-rlhf/helpful-base-test.jsonl.gz, DEST/hh-rlhf/harmless-base-test.jsonl.gz  (Anthropic HH-RLHF, MIT)
#   DEST/alpaca-eval/candidates.jsonl.gz  (AlpacaEval 2.0 GPT-4 Turbo judgements, CC BY-NC 4.0: research use)
# The layout is that of the shared data folder (see README), so ALIGN_DATA_DIR=DEST points the configs at it.
#
# Usage: scripts/fetch-data.sh [DEST]      DEST defaults to $ALIGN_DATA_DIR, else ./data-cache
# Environment (to use a mirror, or a local server in tests):
#   ALIGN_HH_RLHF_URL        base of the HH-RLHF release (default: the Hugging Face dataset repository)
#   ALIGN_ALPACA_EVAL_URL    base of alpaca_eval's results/ folder (default: GitHub raw files)
#   ALIGN_ALPACA_EVAL_MODELS model folders under results/, comma-separated (default: the list below)
# A file already present and valid is kept: delete it to fetch it again. Nothing half-written is left behind:
# every file is downloaded or converted under a temporary name, checked, then renamed.
# Needs curl, gzip and the built project (npm ci or npm run build): the conversion is dist/scripts/fetch/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-${ALIGN_DATA_DIR:-./data-cache}}"
HH_RLHF_URL="${ALIGN_HH_RLHF_URL:-https://huggingface.co/datasets/Anthropic/hh-rlhf/resolve/main}"
ALPACA_EVAL_URL="${ALIGN_ALPACA_EVAL_URL:-https://raw.githubusercontent.com/tatsu-lab/alpaca_eval/main/results}"
CONVERTER="$ROOT/dist/scripts/fetch/alpaca-eval-candidates.js"

# The 43 models of the shared copy of the data, each with results/<model>/weighted_alpaca_eval_gpt4_turbo/
# annotations.json in tatsu-lab/alpaca_eval; gpt4_1106_preview is the reference judged against itself.
DEFAULT_MODELS=(
  FuseChat-Gemma-2-9B-Instruct FuseChat-Llama-3.1-8B-Instruct FuseChat-Llama-3.2-3B-Instruct
  FuseChat-Qwen-2.5-7B-Instruct OpenHermes-2.5-Mistral-7B Qwen-14B-Chat alpaca-7b alpaca-farm-ppo-human
  alpaca-farm-ppo-sim-gpt4-20k baize-v2-13b chatglm2-6b falcon-40b-instruct falcon-7b-instruct gemma-2b-it
  gemma-7b-it gpt-3.5-turbo-0301 gpt-3.5-turbo-1106_concise gpt-3.5-turbo-1106_verbose gpt35_turbo_instruct
  gpt4_0613_concise gpt4_1106_preview gpt4_gamed humpback-llama2-70b jina-chat minotaur-13b nous-hermes-13b
  oasst-sft-llama-33b oasst-sft-pythia-12b openbuddy-falcon-40b-v9 openbuddy-llama-30b-v7.1
  openbuddy-llama2-13b-v11.1 openbuddy-llama2-70b-v10.1 phi-2 phi-2-sft pythia-12b-mix-sft text_davinci_001
  text_davinci_003 vicuna-13b vicuna-13b-v1.5 vicuna-7b vicuna-7b-v1.3 vicuna-7b-v1.5 wizardlm-13b
)

die() {
  echo "fetch-data: error: $*" >&2
  exit 1
}

for tool in curl gzip node; do
  command -v "$tool" >/dev/null || die "$tool is required but not installed"
done

if [[ -n "${ALIGN_ALPACA_EVAL_MODELS:-}" ]]; then
  IFS=', ' read -ra MODELS <<<"$ALIGN_ALPACA_EVAL_MODELS"
else
  MODELS=("${DEFAULT_MODELS[@]}")
fi
for model in "${MODELS[@]}"; do
  # Model names become URL path segments and file names: refuse anything that could escape either.
  [[ "$model" =~ ^[A-Za-z0-9._+-]+$ && "$model" != .* ]] || die "invalid model name '$model' in ALIGN_ALPACA_EVAL_MODELS"
done

mkdir -p "$DEST/hh-rlhf" "$DEST/alpaca-eval"
# Temporary files live under DEST so that the final rename stays on one file system (and is atomic).
WORK="$(mktemp -d "$DEST/.fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# Interrupted (Ctrl-C, a CI timeout): exit through the EXIT trap so the temporary files go too.
trap 'exit 130' INT TERM HUP

# download URL FILE: fails on HTTP errors; retries transient ones (timeouts, 429, 5xx), not 404.
download() {
  curl --fail --silent --show-error --location --retry 3 --retry-delay 2 --connect-timeout 30 \
    --output "$2" "$1" || die "could not download $1"
}

# present FILE: whether FILE exists and is a complete gzip file (an earlier run's output).
present() {
  [[ -f "$1" ]] && gzip -t "$1" 2>/dev/null
}

# install TEMP FILE: checks the gzip stream, then renames TEMP to FILE.
install_gzip() {
  gzip -t "$1" 2>/dev/null || die "$1 is not a valid gzip file (a truncated or wrong download?)"
  mv -f "$1" "$2"
  echo "wrote $2 ($(wc -c <"$2" | tr -d ' ') bytes)"
}

for subset in helpful-base harmless-base; do
  target="$DEST/hh-rlhf/$subset-test.jsonl.gz"
  if present "$target"; then
    echo "kept $target (already present)"
    continue
  fi
  download "$HH_RLHF_URL/$subset/test.jsonl.gz" "$WORK/$subset-test.jsonl.gz"
  install_gzip "$WORK/$subset-test.jsonl.gz" "$target"
done

target="$DEST/alpaca-eval/candidates.jsonl.gz"
if present "$target"; then
  echo "kept $target (already present)"
else
  [[ -f "$CONVERTER" ]] || die "$CONVERTER not found: build the project first (npm ci, or npm run build)"
  annotations=()
  for model in "${MODELS[@]}"; do
    file="$WORK/$model.annotations.json"
    download "$ALPACA_EVAL_URL/$model/weighted_alpaca_eval_gpt4_turbo/annotations.json" "$file"
    annotations+=("$file")
  done
  echo "downloaded AlpacaEval annotations of ${#MODELS[@]} models"
  node "$CONVERTER" "$WORK/candidates.jsonl.gz" "${annotations[@]}" || die "could not convert the AlpacaEval annotations"
  install_gzip "$WORK/candidates.jsonl.gz" "$target"
fi
