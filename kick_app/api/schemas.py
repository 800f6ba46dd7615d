"""The API's request and response models: every field with its bounds, unit and meaning (the OpenAPI docs at /docs)."""
from dataclasses import asdict, replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StrictStr, create_model, model_validator

from kick_nbdev import __version__
from kick_nbdev.fx import FX_PRESETS, FxSettings, fx_catalog
from kick_nbdev.latent import MAX_ABS_LATENT, MAX_SEED
from kick_nbdev.length import LENGTH_RANGE_S
from kick_nbdev.pack import PACK_SIZES
from kick_nbdev.service import MAX_BATCH
from kick_nbdev.shape import PRODUCER_UNITS, SHAPE_ATTRIBUTES, SHAPE_LIMITS
from kick_nbdev.synth import CATEGORIES

def whole_number(value):
    "15.0 -> 15: JSON Schema counts whole-number floats as integers; anything else is left to the strict int check."
    return int(value) if isinstance(value, float) and value.is_integer() else value

WholeInt = Annotated[int, BeforeValidator(whole_number), Strict()]   # an integer, or a float with no fraction; never "15" or true
LATENT_MARK = "x-latent"   # set on latent vectors in the schema; `create_app` makes their length exactly the model's latent_dim
Coordinate = Annotated[float, Field(strict=True, ge=-MAX_ABS_LATENT, le=MAX_ABS_LATENT, allow_inf_nan=False)]
Latent = Annotated[list[Coordinate], Field(min_length=1, max_length=1024, json_schema_extra={LATENT_MARK: True},
    description=f"One number per latent dimension (exactly `latent_dim` of them, see GET /api/model), "
                f"each within ±{MAX_ABS_LATENT:g}.")]
Format = Annotated[Literal["wav", "flac"], Field(description="Audio file format.")]
BitDepth = Annotated[Literal[16, 24], BeforeValidator(whole_number), Field(description="PCM bits per sample (WAV and FLAC).")]
Seed = Annotated[WholeInt | None, Field(ge=0, le=MAX_SEED,
    description=f"Integer in [0, {MAX_SEED}]: the same seed always gives the same result. Omit for a new one.")]
Steps = Annotated[WholeInt, Field(ge=2, le=MAX_BATCH, description=f"Number of kicks, 2..{MAX_BATCH}, endpoints included.")]

EXAMPLE_LATENT = [0.87, -0.12, 0.45, -0.67, 0.03, 0.91, -0.22, 0.5]
EXAMPLE_LATENT_B = [-0.5, 0.8, -0.3, 0.2, 1.1, -0.4, 0.6, -0.9]
EXAMPLE_FX = {"preset": "punchy", "tune_note": "F1", "drive_db": 6}
FX_CATALOG = fx_catalog()  # bounds, units, defaults and meanings of the FX settings, from kick_nbdev.fx itself

class _FxRequestBase(BaseModel):
    "What FxRequest adds to its generated fields: unknown fields refused, the preset resolved, the settings validated."
    model_config = ConfigDict(extra="forbid")

    def settings(self)->FxSettings:
        "The chain's settings: the preset's (or the all-off defaults), overridden by every field the request gave."
        base = FX_PRESETS[self.preset] if self.preset else FxSettings()
        return replace(base, **{name: getattr(self, name) for name in self.model_fields_set if name != "preset"})

    @model_validator(mode="after")
    def _settings_are_valid(self):
        self.settings().validate()  # what the field bounds cannot say (e.g. sustain_db - attack_db), naming the field
        return self

def fx_setting_field(p:dict  # a numeric setting's entry in FX_CATALOG["settings"]
                    )->tuple: # (type, Field) for pydantic.create_model
    "A request field for one FX setting: its bounds, unit and meaning documented, from the catalog."
    number = Annotated[float, Field(strict=True, ge=p["low"], le=p["high"], allow_inf_nan=False)]
    unit = "" if p["unit"] == "ratio" else f" {p['unit']}"
    off = " or null (off)" if p["nullable"] else ""
    description = (f"{p['description'][0].upper()}{p['description'][1:]}. Range {p['low']:g} .. {p['high']:g}{unit}{off}; "
                   f"default: the preset's value, else {'null' if p['default'] is None else format(p['default'], 'g')}.")
    return (number | None if p["nullable"] else number,
            Field(p["default"], description=description, json_schema_extra={"unit": p["unit"]}))

def preset_summary(values:dict # a preset's entry in FX_CATALOG["presets"]
                  )->str:      # e.g. "comp_ratio=4, attack_db=4"
    "The settings a preset changes from the all-off defaults."
    off = asdict(FxSettings())
    changed = {k: v for k, v in values.items() if v != off[k]}
    return ", ".join(f"{k}={format(v, 'g') if isinstance(v, float) else repr(v)}" for k, v in changed.items())

_tune = FX_CATALOG["tune_note"]
FxRequest = create_model("FxRequest", __base__=_FxRequestBase, __doc__=(
        "The post-processing chain applied after decoding, in this order: tune, compressor, drive, EQ, sub, transient "
        "shaper, decay; the result is set back to a -1 dBFS peak. Every field is optional: start from `preset` (or from "
        "everything off) and override any field. GET /api/fx lists the same fields, bounds and presets as JSON."),
    preset=(Literal[tuple(FX_PRESETS)] | None, Field(None, description="Start from this preset's settings: " + "; ".join(
        f"`{name}`: {preset_summary(values)}" for name, values in FX_CATALOG["presets"].items()) + ".")),
    tune_note=(StrictStr | WholeInt | None, Field(None, description=(
        f"Tune the kick's ringing pitch to a note (as a sampler does, by resampling): a note with octave such as 'F1' or "
        f"'C#2' ({_tune['notes'][0]} .. {_tune['notes'][-1]}), a pitch class such as 'F' (the F nearest the kick's own "
        f"pitch), or a MIDI number ({_tune['low_midi']} .. {_tune['high_midi']}); null: off."), examples=["F1"])),
    **{name: fx_setting_field(p) for name, p in FX_CATALOG["settings"].items()})

class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored
    format: Format = "wav"
    bit_depth: BitDepth = 16
    fx: FxRequest | None = Field(None, description="Post-processing after decoding (see GET /api/fx); omit or null for none.")
    length_s: float | None = Field(None, strict=True, ge=LENGTH_RANGE_S[0], le=LENGTH_RANGE_S[1], allow_inf_nan=False,
        description=f"Length of every kick made, seconds, {LENGTH_RANGE_S[0]:g}..{LENGTH_RANGE_S[1]:g}: past the model's "
                    f"window (GET /api/model: n_samples) the kick keeps ringing at its own pitch and decay; shorter kicks "
                    f"end with a 10 ms fade. Omit or null for the model's window. Recorded in the sidecar.",
        examples=[1.5])

    def fx_settings(self)->FxSettings|None:
        return None if self.fx is None else self.fx.settings()

CategoryName = Literal[CATEGORIES]
CategoryWeight = Annotated[float, Field(strict=True, ge=0.0, le=1e6, allow_inf_nan=False)]
def _shape_value(name:str, what:str): # a slider's field: a change in its producer unit, within ±SHAPE_LIMITS[name]
    limit, unit = SHAPE_LIMITS[name], PRODUCER_UNITS[name]
    return Field(None, strict=True, ge=-limit, le=limit, allow_inf_nan=False,
                 description=f"Change of {what}, in {unit}, within ±{limit:g}.")

class ShapeAttributes(BaseModel):
    """Named shape sliders, each a change measured on the decoded kick, in producer units: pitch in semitones, decay in
    ms, punch, brightness and sub in dB (GET /api/model: `shape_units`, `shape_range`). The pitch is held unless it is
    asked to change; omitted sliders are not steered. The model goes as far as it can towards each amount."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"sub": 3.0}, {"pitch": -2.0, "decay": 50.0}]})
    pitch: float | None = _shape_value("pitch", "the ringing pitch of the body")
    decay: float | None = _shape_value("decay", "the decay: time from the peak to -40 dB")
    punch: float | None = _shape_value("punch", "the punch: energy of the first 10 ms over the next 100 ms")
    brightness: float | None = _shape_value("brightness", "the brightness: level of the energy above 1 kHz")
    sub: float | None = _shape_value("sub", "the sub: level of the energy below 60 Hz")

    def values(self)->dict: # slider name -> value, for the sliders the request set
        return {name: getattr(self, name) for name in SHAPE_ATTRIBUTES if getattr(self, name) is not None}

class _CategoryRequest(BaseModel):
    "`category` or `category_weights`, one of them at most."
    category: CategoryName | None = Field(None, description="Draw from this category's region of the timbre space.")
    category_weights: dict[CategoryName, CategoryWeight] | None = Field(None, description=(
        "A blend of categories, e.g. {\"808\": 0.7, \"distorted\": 0.3}: weights >= 0, normalised to sum 1."),
        examples=[{"808": 0.7, "distorted": 0.3}])

    @model_validator(mode="after")
    def _one_category(self):
        if self.category is not None and self.category_weights is not None:
            raise ValueError("give either category or category_weights, not both")
        if self.category_weights is not None and not any(w > 0 for w in self.category_weights.values()):
            raise ValueError("category_weights needs at least one weight > 0")
        return self

    def category_spec(self): # a name, a {name: weight} blend, or None (the plain prior)
        return self.category if self.category is not None else self.category_weights

class KickGenerationRequest(_Request):
    "Decode one latent vector (moved by the shape `attributes`, if given)."
    latent_vector: Latent
    attributes: ShapeAttributes | None = Field(None, description="Shape sliders applied to the latent before decoding.")
    model_config = ConfigDict(json_schema_extra={"examples": [{"latent_vector": EXAMPLE_LATENT, "format": "wav"},
                                                              {"latent_vector": EXAMPLE_LATENT, "fx": EXAMPLE_FX}]})

class RandomRequest(_Request, _CategoryRequest):
    "Draw a kick from the prior, or from a category's (or a blend's) region of it."
    seed: Seed = None
    attributes: ShapeAttributes | None = Field(None, description="Shape sliders applied to the drawn kick.")
    model_config = ConfigDict(json_schema_extra={"examples": [{"format": "wav", "seed": 123},
                                                              {"seed": 123, "category": "808", "attributes": {"decay": 50.0}},
                                                              {"category_weights": {"808": 0.7, "distorted": 0.3}},
                                                              {"seed": 123, "fx": {"preset": "distorted", "tune_note": "F"}}]})

class InterpolateRequest(_Request):
    "Kicks on the path from `start` to `end`."
    start: Latent
    end: Latent
    steps: Steps = 8
    mode: Literal["linear", "slerp"] = Field("linear", description="`linear`, or `slerp`: great-circle direction, linear norm.")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"start": EXAMPLE_LATENT, "end": EXAMPLE_LATENT_B, "steps": 8, "format": "wav", "mode": "slerp"}]})

class VariationsRequest(_Request, _CategoryRequest):
    "Kicks near a kick; with a category (or blend), kicks `intensity` of the way towards that category."
    latent_vector: Latent
    n: WholeInt = Field(4, ge=1, le=MAX_BATCH, description=f"Number of variations, 1..{MAX_BATCH}.")
    intensity: float = Field(0.3, strict=True, ge=0.0, le=1.0, allow_inf_nan=False,
                             description="0 = the same kick, 1 = as far as a typical corpus kick lies from the corpus mean.")
    seed: Seed = None
    model_config = ConfigDict(json_schema_extra={"examples": [{"latent_vector": EXAMPLE_LATENT, "n": 4, "intensity": 0.3, "seed": 7}]})

class StyleTransferRequest(_Request):
    "The body (pitch, decay) of one kick with the character (click, tone, everything else) of another."
    body_latent: Latent = Field(description="Kick A: the result keeps its pitch and decay.")
    character_latent: Latent = Field(description="Kick B: the result keeps its punch, brightness and the rest.")
    strength: float = Field(1.0, strict=True, ge=0.0, le=1.0, allow_inf_nan=False,
                            description="0 = kick B unchanged .. 1 = A's pitch and decay.")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"body_latent": EXAMPLE_LATENT, "character_latent": EXAMPLE_LATENT_B, "strength": 1.0}]})

class PackRequest(_Request, _CategoryRequest):
    "A sample pack: the most different kicks of a seeded pool, optionally in a category, through FX, tuned to a key."
    n: WholeInt = Field(16, ge=PACK_SIZES[0], le=PACK_SIZES[1], description=f"Kicks in the pack, {PACK_SIZES[0]}..{PACK_SIZES[1]}.")
    seed: Seed = None
    key: str | None = Field(None, description="Tune every kick: a note with octave ('F1') or a pitch class ('F': each kick "
                                              "to its nearest F). Kicks that will not tune are replaced by the next pick.",
                            examples=["F"])
    delivery: Literal["url", "zip"] = Field("url", description="`url`: store the zip and answer with its URL and the "
                                                               "manifest; `zip`: answer with the zip file itself.")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"n": 16, "seed": 1, "category": "808", "key": "F", "fx": {"preset": "punchy"}},
        {"n": 32, "category_weights": {"808": 0.7, "distorted": 0.3}, "delivery": "zip"}]})

class WalkRequest(_Request):
    "A smooth random walk that stays in the region of the training data."
    start: Latent
    steps: Steps = 16
    step_size: float = Field(0.05, strict=True, gt=0.0, le=0.5, allow_inf_nan=False,
                             description="Distance per step as a fraction of each dimension's slider range.")
    seed: Seed = None
    model_config = ConfigDict(json_schema_extra={"examples": [{"start": EXAMPLE_LATENT, "steps": 16, "step_size": 0.05, "seed": 1}]})

# ---------------------------------------------------------------------------------------------- response models
class KickGenerationResponse(BaseModel):
    wavUrl: str = Field(description="Absolute URL of the audio file: a WAV, or a FLAC when `format` is flac (the name "
                                    "is the original contract's, kept as it is).")
    latent_used: list[float] = Field(description="Exactly the latent vector that was decoded.")
    request_id: str = Field(description="Unique id of this request (and item).")
    seed: int | None = Field(None, description="The prior seed that reproduces this kick (random kicks only).")
    metadataUrl: str = Field(description="Absolute URL of the sidecar JSON: latent, seed, model version, format, fx.")
    fx: dict[str, Any] | None = Field(None, description="Every FX setting applied (the preset resolved), as recorded in "
                                                        "the sidecar; null when the chain was off.")
    fileName: str | None = Field(None, description="The file's readable name: note, category, seed (edits add a short "
                                                   "suffix), e.g. `kick_F1_808_s123.wav`; `wavUrl` sends it under this name.")
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "wavUrl": "http://127.0.0.1:8000/api/audio/kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.wav",
        "latent_used": EXAMPLE_LATENT, "request_id": "gen_9c1f2e3d4b5a", "seed": None,
        "metadataUrl": "http://127.0.0.1:8000/api/audio/kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.json", "fx": None,
        "fileName": "kick_F1_s123.wav"}]})

class KickListResponse(BaseModel):
    items: list[KickGenerationResponse] = Field(description="The kicks, in path order.")
    request_id: str
    seed: int | None = Field(None, description="Seed of the operation's randomness (walk, variations).")
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"wavUrl": "http://127.0.0.1:8000/api/audio/kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.wav", "latent_used": EXAMPLE_LATENT,
         "request_id": "gen_9c1f2e3d4b5a_00", "seed": None,
         "metadataUrl": "http://127.0.0.1:8000/api/audio/kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.json", "fx": None}],
        "request_id": "gen_9c1f2e3d4b5a", "seed": 7}]})

class PackResponse(BaseModel):
    zipUrl: str = Field(description="Absolute URL of the zip: the audio files, manifest.csv and manifest.json in one folder.")
    name: str = Field(description="The pack's folder name inside the zip, e.g. kick_pack_1_F.")
    seed: int = Field(description="The pack seed: the same request with it gives the same pack.")
    kicks: list[dict[str, Any]] = Field(description="The manifest, one entry per kick: file, note, cents, ringing_pitch_hz "
                                                    "(the pitch the body settles to), decay_ms (peak to -40 dB), peak_dbfs, "
                                                    "loudness_lufs, latent, seed, category.")
    info: dict[str, Any] = Field(description="Pack facts: key, FX, model version, pool size, kicks skipped as untunable.")
    request_id: str

class EncodeResponse(BaseModel):
    latent_vector: list[float] = Field(description="The upload's latent (posterior mean), ready for /api/generate.")
    kick_like: bool = Field(True, description="False when the upload does not sound like a kick (a noise burst, a snare, "
                                              "a loop): the latent is the closest kick the model knows, and no pitch is given.")
    pitch_hz: float | None = Field(None, description="Ringing pitch of the upload's body, Hz; null when it is not kick-like "
                                                     "or has no clear pitch.")
    note: str | None = Field(None, description="That pitch as the nearest note, e.g. `F1`.")
    warning: str | None = Field(None, description="What to tell the producer about a sound that is not a kick.")
    model_config = ConfigDict(json_schema_extra={"examples": [{"latent_vector": EXAMPLE_LATENT, "kick_like": True,
                                                               "pitch_hz": 44.1, "note": "F1", "warning": None}]})

class ModelResponse(BaseModel):
    model_version: str
    model_fingerprint: str = Field(description="Hash of the weights.")
    decoder: str = Field(description="`wave` (DDSP-style synth) or `spec` (magnitude + Griffin-Lim).")
    sample_rate: int
    n_samples: int
    latent_dim: int
    latent_bound: float = Field(description="Every latent value must lie within ± this.")
    slider_low: list[float] = Field(description="Per dimension: corpus mean - 3 std.")
    slider_high: list[float] = Field(description="Per dimension: corpus mean + 3 std.")
    latent_mean: list[float]
    latent_std: list[float]
    corpus_size: int
    formats: list[str]
    bit_depths: list[int]
    max_batch: int = Field(description="Most kicks per request (steps, n).")
    max_seed: int
    storage: str = Field(description="`local` or `s3`.")
    categories: list[str] = Field(description="Values of `category` (and keys of `category_weights`).")
    shape_range: dict[str, float] = Field(description="Per shape attribute: its value must lie within ± this, in its unit.")
    shape_units: dict[str, str] = Field(description="Per shape attribute: the unit of its value (a measured change): "
                                                    "`semitones`, `ms` or `dB`.")
    length_range_s: list[float] = Field(description="Smallest and largest `length_s` a request may ask for, seconds.")
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "model_version": "0.1.0+hybrid8-20261202", "model_fingerprint": "c5b0fc59b12331a4", "decoder": "hybrid",
        "sample_rate": 44100, "n_samples": 32768, "latent_dim": 8, "latent_bound": 10.0, "slider_low": [-3.0] * 8,
        "slider_high": [3.0] * 8, "latent_mean": [0.0] * 8, "latent_std": [1.0] * 8, "corpus_size": 90,
        "formats": ["wav", "flac"], "bit_depths": [16, 24], "max_batch": 64, "max_seed": MAX_SEED, "storage": "local",
        "categories": list(CATEGORIES), "shape_range": dict(SHAPE_LIMITS), "shape_units": dict(PRODUCER_UNITS),
        "length_range_s": list(LENGTH_RANGE_S)}]})

class FxSetting(BaseModel):
    low: float = Field(description="Smallest value accepted, in `unit`.")
    high: float = Field(description="Largest value accepted, in `unit`.")
    unit: str = Field(description="`dB`, `Hz`, `ms` or `ratio`.")
    default: float | None = Field(description="The value when neither the request nor its preset gives one (null: off).")
    nullable: bool = Field(description="Whether null (off) is accepted.")
    description: str

class TuneNotes(BaseModel):
    description: str
    low_midi: int = Field(description="Lowest MIDI note accepted.")
    high_midi: int = Field(description="Highest MIDI note accepted.")
    pitch_classes: list[str] = Field(description="Note names without octave: tune to the nearest octave.")
    notes: list[str] = Field(description="Every note name with octave accepted, lowest first.")

class FxResponse(BaseModel):
    settings: dict[str, FxSetting] = Field(description="The numeric settings of the `fx` object, in chain order.")
    tune_note: TuneNotes
    presets: dict[str, dict[str, Any]] = Field(description="Every setting of each preset (the `preset` field).")
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "settings": {"drive_db": FX_CATALOG["settings"]["drive_db"]},
        "tune_note": {**_tune, "notes": _tune["notes"][:3]}, "presets": {"punchy": FX_CATALOG["presets"]["punchy"]}}]})

class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    model_loaded: bool
    model_version: str | None
    storage: str | None
    storage_ok: bool
    detail: str | None = Field(None, description="What is wrong, when status is `degraded`.")
    version: str = Field(__version__, description="Library version.")
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok", "model_loaded": True,
        "model_version": "0.1.0+wave-20261125", "storage": "local", "storage_ok": True, "detail": None, "version": "0.1.0"}]})
