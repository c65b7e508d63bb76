"""PyTorch reference of align's PPO loop (src/rlhf/ppo.ts) for `npm run bench`: the same one-layer GRU policy
(embedding E, hidden H, vocabulary V, prompts of 2 tokens then the end token as separator), the same loop
(P prompts x G samples, per-token KL folded into the reward, RLOO, clipped surrogate, epochs x minibatches,
Adam, gradient clipping) and the same stand-in reward (a fixed value per token, summed), on CPU threads.
Prints one JSON line: seconds, sampled tokens, peak RSS."""
import argparse
import json
import resource
import time

import torch


class Gru(torch.nn.Module):
    def __init__(self, v, e, h):
        super().__init__()
        self.embedding = torch.nn.Embedding(v, e)
        self.wx = torch.nn.Linear(e, 3 * h)
        self.wh = torch.nn.Linear(h, 3 * h)
        self.out = torch.nn.Linear(h, v)
        self.h = h

    def step(self, tokens, state):
        gx = self.wx(self.embedding(tokens))
        gh = self.wh(state)
        xz, xr, xn = gx.chunk(3, 1)
        hz, hr, hn = gh.chunk(3, 1)
        z = torch.sigmoid(xz + hz)
        r = torch.sigmoid(xr + hr)
        n = torch.tanh(xn + r * hn)
        return (1 - z) * n + z * state

    def read_prompts(self, prompts):
        state = torch.zeros(prompts.shape[0], self.h)
        for i in range(prompts.shape[1]):
            state = self.step(prompts[:, i], state)
        return self.step(torch.zeros(prompts.shape[0], dtype=torch.long), state)

    def log_probs(self, prompts, tokens):
        state = self.read_prompts(prompts)
        states = [state]
        for t in range(1, tokens.shape[1]):
            state = self.step(tokens[:, t - 1], state)
            states.append(state)
        return torch.log_softmax(self.out(torch.stack(states, 1)), -1)

    @torch.no_grad()
    def sample(self, prompts, max_length):
        state = self.read_prompts(prompts)
        rows = prompts.shape[0]
        tokens = torch.zeros(rows, max_length, dtype=torch.long)
        lengths = torch.full((rows,), max_length)
        open_ = torch.ones(rows, dtype=torch.bool)
        for t in range(max_length):
            nxt = torch.multinomial(torch.softmax(self.out(state), -1), 1)[:, 0]
            nxt = torch.where(open_, nxt, torch.zeros_like(nxt))
            tokens[:, t] = nxt
            ended = open_ & (nxt == 0)
            lengths[ended] = t + 1
            open_ &= ~ended
            if not open_.any():
                break
            state = self.step(nxt, state)
        return tokens, lengths


def main():
    p = argparse.ArgumentParser(description=__doc__)
    for name, default in [("vocabulary", 104), ("embedding", 16), ("hidden", 64), ("iterations", 20),
                          ("prompts", 16), ("samples", 4), ("epochs", 2), ("minibatches", 2), ("max-length", 12),
                          ("threads", 1)]:
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--beta", type=float, default=0.05)
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    policy = Gru(a.vocabulary, a.embedding, a.hidden)
    reference = Gru(a.vocabulary, a.embedding, a.hidden)
    reference.load_state_dict(policy.state_dict())
    value = torch.randn(a.vocabulary)
    all_prompts = torch.randint(1, a.vocabulary, (64, 2))
    optimizer = torch.optim.Adam(policy.parameters(), lr=0.003)
    sampled = 0
    started = time.perf_counter()
    for it in range(a.iterations):
        prompts = all_prompts[torch.randint(0, 64, (a.prompts,))].repeat_interleave(a.samples, 0)
        tokens, lengths = policy.sample(prompts, a.max_length)
        sampled += int(lengths.sum())
        t = tokens.shape[1]
        mask = (torch.arange(t)[None, :] < lengths[:, None]).float()
        with torch.no_grad():
            logp = policy.log_probs(prompts, tokens).gather(2, tokens[..., None])[..., 0]
            logr = reference.log_probs(prompts, tokens).gather(2, tokens[..., None])[..., 0]
            ratio = (logp - logr) * mask
            reward = (value[tokens] * mask).sum(1)
            to_go = reward[:, None] - a.beta * ratio.flip(1).cumsum(1).flip(1)
            shaped = to_go[:, 0].view(-1, a.samples)
            others = (shaped.sum(1, keepdim=True) - shaped) / (a.samples - 1)
            adv = (to_go - others.reshape(-1, 1)) * mask
        rows = tokens.shape[0]
        size = -(-rows // a.minibatches)
        for _ in range(a.epochs):
            order = torch.randperm(rows)
            for start in range(0, rows, size):
                mb = order[start:start + size]
                new = policy.log_probs(prompts[mb], tokens[mb]).gather(2, tokens[mb][..., None])[..., 0]
                r = torch.exp(new - logp[mb])
                surrogate = torch.min(r * adv[mb], torch.clamp(r, 0.8, 1.2) * adv[mb])
                loss = -(surrogate * mask[mb]).sum() / mask[mb].sum()
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
                optimizer.step()
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "tokens": sampled, "maxRssMB": rss}))


if __name__ == "__main__":
    main()
