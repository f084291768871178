#!/usr/bin/env python3
"""Generate a large, valid palisade model for benchmarks.

usage: gen_model.py COMPONENTS FLOWS > model.yaml

The shape follows an enterprise AI estate: many services, RAG stacks, LLMs, tools and stores,
in nested boundaries, with flows drawn between neighbouring layers (deterministic: seeded).
"""
import random
import sys


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * n
    rnd = random.Random(42)
    kinds = [
        ("actor", ["role: customer"]),
        ("web-app", ["exposure: internet", "authentication: sso"]),
        ("service", ["exposure: internal", "authentication: token"]),
        ("llm", ["hosting: vendor-api", "output_review: none", "output_rendering: [markdown]"]),
        ("retriever", ["permission_filtering: none"]),
        ("vector-store", ["exposure: internal", "encrypted_at_rest: true"]),
        ("knowledge-base", ["controlled_by: users", "validation: none"]),
        ("ingestion", ["exposure: internal"]),
        ("tool", ["owner: platform", "actions: [read, send-external]", "human_approval: none"]),
        ("datastore", ["exposure: internal", "encrypted_at_rest: true"]),
        ("model", ["task: classification", "confidence_output: scores", "score_precision: 4"]),
        ("inference-endpoint", ["exposure: partner", "authentication: api-key"]),
        ("monitoring", ["captures: [prompts, outputs]"]),
    ]
    out = sys.stdout
    out.write("system:\n  name: Generated estate\n  criticality: high\n")
    assets = max(1, n // 50)
    out.write("data_assets:\n")
    for a in range(assets):
        cls = rnd.choice(["public", "internal", "confidential", "restricted"])
        origin = rnd.choice(["internal", "customer", "user-generated", "public-web", "third-party"])
        out.write(f"  - {{id: d{a}, classification: {cls}, origin: {origin}, personal_data: {str(a % 3 == 0).lower()}}}\n")
    out.write("components:\n")
    for i in range(n):
        kind, attrs = kinds[i % len(kinds)]
        out.write(f"  - id: c{i}\n    kind: {kind}\n    name: Component {i}\n")
        for attr in attrs:
            out.write(f"    {attr}\n")
        out.write(f"    data: [d{i % assets}]\n")
    out.write("flows:\n")
    for f in range(m):
        a = rnd.randrange(n)
        b = (a + 1 + rnd.randrange(12)) % n
        proto = rnd.choice(["https", "grpc-tls", "http", "in-process"])
        out.write(f"  - {{id: f{f}, from: c{a}, to: c{b}, data: [d{rnd.randrange(assets)}], protocol: {proto}}}\n")
    groups = max(1, n // 100)
    out.write("boundaries:\n")
    out.write("  - id: org\n    kind: organization\n    trust: trusted\n    boundaries: [" + ", ".join(f"b{g}" for g in range(groups)) + "]\n")
    for g in range(groups):
        members = ", ".join(f"c{i}" for i in range(g * 100, min(n, (g + 1) * 100)))
        out.write(f"  - id: b{g}\n    kind: network\n    contains: [{members}]\n")


if __name__ == "__main__":
    main()
