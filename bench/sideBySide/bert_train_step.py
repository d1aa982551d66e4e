#!/usr/bin/env python3
"""The PyTorch peer of bertnb's training rows (bench/training.ts).

One BERT sequence classifier with the architecture of src/engine/model/ (embeddings summed then
LayerNorm, post-LN encoder layers with erf GELU, tanh pooler on the first token, dropout, a linear
head), trained the way bertnb's trainer trains it: cross-entropy, global-norm clipping at 1.0 and
torch.optim.AdamW (lr 5e-5, weight decay 0.01 except biases and LayerNorm weights). Inputs are random
token ids of exactly [batch, seq]. The config (hidden size, layers, heads, vocabulary, dropout...) is
given as JSON by the bench, taken from bertnb's own built-in config, so both sides build one model.

Prints one line, "BENCH_RESULT " then JSON: {"s_per_step", "step_times", "peak_rss_bytes", "threads",
"torch", "params"} (the prefix is what bench/sideBySide/child.ts looks for).
Timing: `--warmup` steps first (allocator and kernels settle), then the median of `--steps` steps.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], h)
        self.position = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type = nn.Embedding(c["type_vocab_size"], h)
        self.norm = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.drop = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, ids, types):
        positions = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = self.word(ids) + self.position(positions) + self.token_type(types)
        return self.drop(self.norm(x))


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.head_size = h // self.heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.drop = nn.Dropout(c["attention_probs_dropout_prob"])

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_size).transpose(1, 2)  # [B, A, T, D]

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_size) + mask_bias
        probs = self.drop(scores.softmax(dim=-1))
        ctx = (probs @ v).transpose(1, 2)
        return ctx.reshape(x.shape)


class DenseResidualNorm(nn.Module):
    """dense -> dropout -> LayerNorm(. + residual): the attention output and the layer output."""

    def __init__(self, c, in_size):
        super().__init__()
        h = c["hidden_size"]
        self.dense = nn.Linear(in_size, h)
        self.drop = nn.Dropout(c["hidden_dropout_prob"])
        self.norm = nn.LayerNorm(h, eps=c["layer_norm_eps"])

    def forward(self, x, residual):
        return self.norm(self.drop(self.dense(x)) + residual)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = SelfAttention(c)
        self.attention_out = DenseResidualNorm(c, c["hidden_size"])
        self.intermediate = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.out = DenseResidualNorm(c, c["intermediate_size"])

    def forward(self, x, mask_bias):
        a = self.attention_out(self.attention(x, mask_bias), x)
        return self.out(F.gelu(self.intermediate(a)), a)  # F.gelu: the exact (erf) form


class Classifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.embeddings = Embeddings(c)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.pooler = nn.Linear(h, h)
        rate = c.get("classifier_dropout")
        self.drop = nn.Dropout(c["hidden_dropout_prob"] if rate is None else rate)
        self.head = nn.Linear(h, c["num_labels"])

    def forward(self, ids, types, mask):
        # The extended attention mask: 0 where attended, a large negative number at padding.
        mask_bias = (1.0 - mask[:, None, None, :].float()) * -1e9
        x = self.embeddings(ids, types)
        for layer in self.layers:
            x = layer(x, mask_bias)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.head(self.drop(pooled))


def init_weights(model, std):
    # bertnb's (and HF's) init: normal(0, initializer_range) weights, zero biases, unit LayerNorm.
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, std)
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)


def param_groups(model, weight_decay):
    # As bertnb's AdamW (defaultNoDecay) and HF Trainer: no decay on biases and LayerNorm weights.
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or ".norm." in name else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True, help="BertConfig as JSON (bertnb's built-in config)")
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    c = json.loads(a.config)
    model = Classifier(c)
    init_weights(model, c["initializer_range"])
    model.train()
    opt = torch.optim.AdamW(param_groups(model, a.weight_decay), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)

    gen = torch.Generator().manual_seed(a.seed)
    shape = (a.batch, a.seq)
    types = torch.zeros(shape, dtype=torch.long)
    mask = torch.ones(shape, dtype=torch.long)

    def step():
        ids = torch.randint(0, c["vocab_size"], shape, generator=gen)
        labels = torch.randint(0, c["num_labels"], (a.batch,), generator=gen)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, types, mask), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()
        return time.perf_counter() - t0

    for _ in range(a.warmup):
        step()
    times = [step() for _ in range(a.steps)]
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print("BENCH_RESULT " + json.dumps({
        "s_per_step": statistics.median(times),
        "step_times": times,
        "peak_rss_bytes": rss,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "params": sum(p.numel() for p in model.parameters()),
    }))


if __name__ == "__main__":
    main()
