"A tiny model whose checkpoint carries a small corpus (latents + metadata), so the dashboard's map has points."
from kick_nbdev.model import KickModel, ModelConfig
from kick_nbdev.synth import synth_kicks

def tiny_model_with_corpus(n_corpus:int=24)->KickModel:
    "A tiny untrained model whose 'corpus' is `n_corpus` synthesized kicks of four styles, encoded."
    tiny = KickModel.untrained(ModelConfig.tiny(), seed=0)
    kicks, categories = synth_kicks(n_corpus, seed=0)
    z = tiny.encode(kicks)
    meta = [dict(id=f"synth-{i}", name=f"synth {c} {i}", category=c, kit="synth", source="synth", split="train")
            for i, c in enumerate(categories)]
    return KickModel(tiny.vae, tiny.version, z.mean(0), z.std(0), z, meta)
