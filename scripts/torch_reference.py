"""PyTorch reference for `npm run bench`: align's reward-model training, the same model and schedule.

Reads the feature file the bench writes (scripts/bench-features.ts: align's own featurised pairs, or
dense embedding rows) and
trains N members one after another, like a PyTorch user would: Bradley-Terry loss
softplus(-(r(chosen) - r(rejected))) plus L2 (lambda * sum of squared weights, biases excluded), Adam
(betas 0.9/0.999, eps 1e-7 as in tfjs), the same batch size, epochs, learning rate, Gaussian init,
a fresh data order each epoch, an optional bootstrap resample, validation loss and accuracy after every
epoch and test accuracy at the end. Two inputs:
  dense:  the rows as a dense [pairs, D] tensor and nn.Linear / a two-layer MLP (the direct translation);
  sparse: nn.EmbeddingBag(mode="sum") with per-sample weights, PyTorch's layer for bags of hashed features.
Prints one JSON line: seconds (training only, after import and data set-up), pair-epochs per second, peak RSS.
"""

import argparse
import json
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_dense(path):
    """A dense feature file (ALIGNDENSE1: embeddings): the [rows, D] matrix and the splits."""
    with open(path, "rb") as f:
        assert f.readline() == b"ALIGNDENSE1\n"
        header = json.loads(f.readline())
        matrix = np.fromfile(f, dtype="<f4", count=header["rows"] * header["dimension"]).reshape(header["rows"], header["dimension"])
        splits = {s: np.fromfile(f, dtype="<i4", count=header["splits"][s]) for s in ("train", "validation", "test")}
    return matrix, splits


class DenseRows:
    """Rows of an embedding matrix, as a dense tensor."""

    def __init__(self, matrix, row_ids):
        self.x = torch.from_numpy(np.ascontiguousarray(matrix[row_ids]))

    def take(self, positions):
        return self.x[positions]


def read_features(path):
    with open(path, "rb") as f:
        assert f.readline() == b"ALIGNFEAT1\n"
        header = json.loads(f.readline())
        rows, entries = header["rows"], header["entries"]
        length = np.fromfile(f, dtype="<i4", count=rows)
        indices = np.fromfile(f, dtype="<i4", count=entries)
        values = np.fromfile(f, dtype="<f4", count=entries)
        splits = {s: np.fromfile(f, dtype="<i4", count=header["splits"][s]) for s in ("train", "validation", "test")}
    starts = np.concatenate([[0], np.cumsum(length)])
    return header["dimension"], length, starts, indices, values, splits


class Rows:
    """The rows of some pool rows, as the chosen input kind needs them."""

    def __init__(self, kind, dimension, length, starts, indices, values, row_ids):
        self.kind = kind
        counts = length[row_ids]
        gather = np.concatenate([np.arange(starts[r], starts[r + 1]) for r in row_ids]) if len(row_ids) else np.zeros(0, int)
        if kind == "dense":
            x = torch.zeros(len(row_ids), dimension)
            row_of = torch.from_numpy(np.repeat(np.arange(len(row_ids)), counts))
            x.index_put_((row_of, torch.from_numpy(indices[gather]).long()), torch.from_numpy(values[gather]), accumulate=True)
            self.x = x
        else:
            self.offsets = torch.from_numpy(np.concatenate([[0], np.cumsum(counts)]))
            self.indices = torch.from_numpy(indices[gather]).long()
            self.values = torch.from_numpy(values[gather])

    def take(self, positions):
        """A batch of rows by position: dense rows, or (indices, offsets, weights) for EmbeddingBag."""
        if self.kind == "dense":
            return self.x[positions]
        starts, ends = self.offsets[positions], self.offsets[positions + 1]
        counts = ends - starts
        pick = torch.repeat_interleave(starts - torch.cumsum(counts, 0) + counts, counts) + torch.arange(int(counts.sum()))
        return self.indices[pick], torch.cat([torch.zeros(1, dtype=torch.long), torch.cumsum(counts, 0)[:-1]]), self.values[pick]


class Head(torch.nn.Module):
    def __init__(self, kind, head, dimension, hidden, init_scale):
        super().__init__()
        self.kind, self.head = kind, head
        width = 1 if head == "linear" else hidden
        if kind == "dense":
            self.first = torch.nn.Linear(dimension, width, bias=head == "mlp")
            weight = self.first.weight
        else:
            self.first = torch.nn.EmbeddingBag(dimension, width, mode="sum")
            weight = self.first.weight
        torch.nn.init.normal_(weight, 0.0, init_scale)
        self.penalised = [weight]
        if head == "mlp":
            if kind == "sparse":
                self.bias = torch.nn.Parameter(torch.zeros(width))
            else:
                torch.nn.init.zeros_(self.first.bias)
            self.second = torch.nn.Linear(hidden, 1, bias=False)
            torch.nn.init.normal_(self.second.weight, 0.0, init_scale)
            self.penalised.append(self.second.weight)

    def forward(self, batch):
        if self.kind == "dense":
            h = self.first(batch)
        else:
            indices, offsets, weights = batch
            h = self.first(indices, offsets, per_sample_weights=weights)
            if self.head == "mlp":
                h = h + self.bias
        if self.head == "linear":
            return h.squeeze(1)
        return self.second(torch.relu(h)).squeeze(1)


def evaluate(model, chosen, rejected, n):
    if n == 0:
        return float("nan"), float("nan")
    with torch.no_grad():
        positions = torch.arange(n)
        margins = model(chosen.take(positions)) - model(rejected.take(positions))
        loss = F.softplus(-margins).mean().item()
        accuracy = ((margins > 0).float() + 0.5 * (margins == 0).float()).mean().item()
    return loss, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("features")
    parser.add_argument("--input", choices=["dense", "sparse"], default="dense")
    parser.add_argument("--head", choices=["linear", "mlp"], default="linear")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--init-scale", type=float, default=0.01)
    parser.add_argument("--bootstrap", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    with open(args.features, "rb") as f:
        dense_file = f.readline() == b"ALIGNDENSE1\n"
    sides = {}
    if dense_file:
        if args.input != "dense":
            raise SystemExit("a dense feature file (embeddings) takes --input=dense")
        matrix, splits = read_dense(args.features)
        dimension = matrix.shape[1]
        for split, pairs in splits.items():
            sides[split] = [DenseRows(matrix, 2 * pairs + side) for side in (0, 1)]
    else:
        dimension, length, starts, indices, values, splits = read_features(args.features)
        for split, pairs in splits.items():
            sides[split] = [Rows(args.input, dimension, length, starts, indices, values, 2 * pairs + side) for side in (0, 1)]
    unique = len(splits["train"])
    n = args.copies * unique  # --copies k: k times the training pairs (the same rows repeated)

    started = time.perf_counter()
    accuracies = []
    for member in range(args.members):
        generator = torch.Generator().manual_seed(member)
        model = Head(args.input, args.head, dimension, args.hidden, args.init_scale)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
        sample = torch.randint(n, (n,), generator=generator) if args.bootstrap else torch.arange(n)
        chosen, rejected = sides["train"]
        for _ in range(args.epochs):
            order = sample[torch.randperm(n, generator=generator)]
            for start in range(0, n, args.batch_size):
                batch = order[start : start + args.batch_size] % unique
                margins = model(chosen.take(batch)) - model(rejected.take(batch))
                penalty = sum((w * w).sum() for w in model.penalised)
                loss = F.softplus(-margins).mean() + args.l2 * penalty
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if not torch.isfinite(loss):
                    raise SystemExit(f"member {member} diverged")
            evaluate(model, *sides["validation"], len(splits["validation"]))
        accuracies.append(evaluate(model, *sides["test"], len(splits["test"]))[1])
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "pairEpochsPerSecond": args.members * n * args.epochs / seconds,
                "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "testAccuracyMean": float(np.mean(accuracies)),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
            }
        )
    )


if __name__ == "__main__":
    main()
