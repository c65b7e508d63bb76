"""Embeds the texts of an align dataset with a Hugging Face model you have, for `features.source: embeddings`.

  npx align data texts --config my-study.yaml --out texts.jsonl        # every prompt and response, once
  python3 scripts/embed.py texts.jsonl --model sentence-transformers/all-MiniLM-L6-v2 --out embeddings.npy

Reads a JSONL file of {"text": ...} lines (or preference pairs {prompt, chosen, rejected}, or candidate
sets {prompt, candidates: [{text}]}: their distinct texts), embeds each text with the model, mean-pooled
over its tokens (sentence-transformers models pool as they were trained to), and writes the matrix,
one row per text, as .npy (float32, or float16 with --dtype float16) or .safetensors (by the name of
--out), and the index beside it (--index, default OUT with .index.jsonl): the texts in row order.
Then in the config:

  features:
    source: embeddings
    embeddings: {path: embeddings.npy, index: embeddings.index.jsonl}

Needs numpy, and torch with sentence-transformers or transformers; the model is loaded from its name or
a local folder (set HF_HUB_OFFLINE=1 to use only what is downloaded already).
"""

import argparse
import gzip
import json
import struct
import sys

import numpy as np


def read_texts(path):
    """Distinct texts of a JSONL(.gz) file of texts, pairs or candidate sets, in first-seen order."""
    opener = gzip.open if path.endswith(".gz") else open
    seen = {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "text" in record:
                texts = [record["text"]]
            elif "candidates" in record:
                texts = [record["prompt"]] + [c["text"] for c in record["candidates"]]
            elif "chosen" in record:
                texts = [record["prompt"], record["chosen"], record["rejected"]]
            else:
                sys.exit(f"{path}:{number}: expected text, candidates, or prompt/chosen/rejected")
            for text in texts:
                if not isinstance(text, str):
                    sys.exit(f"{path}:{number}: a text is not a string")
                seen.setdefault(text, None)
    return list(seen)


def embed(texts, model_name, batch_size, max_length, device):
    """Mean-pooled embeddings [len(texts), D] as float32."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        SentenceTransformer = None
    if SentenceTransformer is not None:
        model = SentenceTransformer(model_name, device=device)
        model.max_seq_length = max_length
        return model.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=True).astype(np.float32)
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModel.from_pretrained(model_name).to(device).eval()
    rows = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(texts[start : start + batch_size], padding=True, truncation=True, max_length=max_length, return_tensors="pt").to(device)
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            rows.append(((hidden * mask).sum(1) / mask.sum(1).clamp(min=1)).float().cpu().numpy())
    return np.concatenate(rows) if rows else np.zeros((0, model.config.hidden_size), np.float32)


def write_safetensors(path, matrix, name="embeddings"):
    """The safetensors layout: u64 little-endian header length, JSON header, then the raw tensor."""
    dtype = {"float32": "F32", "float16": "F16"}[matrix.dtype.name]
    data = np.ascontiguousarray(matrix).astype(matrix.dtype.newbyteorder("<")).tobytes()
    header = json.dumps({name: {"dtype": dtype, "shape": list(matrix.shape), "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def write_embeddings(matrix, texts, out, index, dtype="float32"):
    """Writes the matrix (rows in the order of texts) to out (.npy or .safetensors) and the index JSONL."""
    matrix = np.asarray(matrix, dtype=dtype)
    if matrix.ndim != 2 or matrix.shape[0] != len(texts):
        raise ValueError(f"expected a [{len(texts)}, D] matrix, got {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError(f"row {int(np.nonzero(~np.isfinite(matrix).all(1))[0][0])} is not finite")
    if out.endswith(".safetensors"):
        write_safetensors(out, matrix)
    else:
        np.save(out, matrix.astype(matrix.dtype.newbyteorder("<")), allow_pickle=False)
    with open(index, "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", help="JSONL(.gz) of texts, pairs or candidate sets")
    parser.add_argument("--model", required=True, help="Hugging Face model name or local folder")
    parser.add_argument("--out", required=True, help="embeddings file to write: .npy or .safetensors")
    parser.add_argument("--index", help="index JSONL to write (default: OUT with .index.jsonl)")
    parser.add_argument("--dtype", choices=["float32", "float16"], default="float32")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=512, help="tokens per text, longer ones are cut")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    index = args.index or args.out.rsplit(".", 1)[0] + ".index.jsonl"
    texts = read_texts(args.data)
    matrix = embed(texts, args.model, args.batch_size, args.max_length, args.device)
    write_embeddings(matrix, texts, args.out, index, args.dtype)
    print(f"wrote {matrix.shape[0]} embeddings of dimension {matrix.shape[1]} to {args.out}, texts to {index}")


if __name__ == "__main__":
    main()
