"""Vocabularies trained by Hugging Face's WordPieceTrainer (Python `tokenizers`) with settings the Node
binding cannot pass (vocabulary size, min frequency, special tokens, alphabet limit), for
src/core/tokenizer/trainer-golden.test.ts.

    python3 scripts/golden/make_vocab_golden.py
"""
import json
import subprocess
from pathlib import Path

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "core" / "tokenizer" / "golden" / "wordpiece-trainer.json"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def demo_texts():
    out = subprocess.run(["npx", "tsx", "scripts/golden/demo-texts.ts"], cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout.split("\n")


def squad_texts(path, articles):
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"][:articles]
    seen, texts = set(), []
    for a in data:
        for p in a["paragraphs"]:
            if p["context"] not in seen:
                seen.add(p["context"])
                texts.append(p["context"])
            texts.extend(q["question"] for q in p["qas"])
    return texts


def train(texts, vocab_size, min_frequency, limit_alphabet, lowercase):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    options = dict(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIALS, continuing_subword_prefix="##", show_progress=False)
    if limit_alphabet is not None:
        options["limit_alphabet"] = limit_alphabet
    trainer = trainers.WordPieceTrainer(**options)
    tok.train_from_iterator(texts, trainer=trainer)
    vocab = tok.get_vocab(with_added_tokens=False)
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]


CASES = [
    {"name": "demo, uncased, min frequency 2, 500 tokens, alphabet 36", "corpus": "demo", "vocabSize": 500, "minFrequency": 2, "limitAlphabet": 36, "lowercase": True},
    {"name": "demo, cased, min frequency 3, no size limit", "corpus": "demo", "vocabSize": 30000, "minFrequency": 3, "limitAlphabet": None, "lowercase": False},
    {"name": "SQuAD dev articles 0-7, uncased, min frequency 2, 6000 tokens, alphabet 66", "corpus": "dev:8", "vocabSize": 6000, "minFrequency": 2, "limitAlphabet": 66, "lowercase": True},
]


def main():
    cases = []
    for c in CASES:
        texts = demo_texts() if c["corpus"] == "demo" else squad_texts(ROOT.parent / "shared" / "data" / "squad" / "dev-v1.1.json", int(c["corpus"].split(":")[1]))
        tokens = train(texts, c["vocabSize"], c["minFrequency"], c["limitAlphabet"], c["lowercase"])
        cases.append({**c, "tokens": tokens})
        print(f'{c["name"]}: {len(tokens)} tokens')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"tokenizers": __import__("tokenizers").__version__, "specialTokens": SPECIALS, "cases": cases}, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
