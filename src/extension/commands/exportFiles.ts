// Which files of a checkpoint folder make a Hugging Face model folder: the model, its config and the
// tokenizer; not the optimizer, scheduler, RNG or trainer state that only resuming needs.
const RESUME_ONLY = /^(optimizer|scheduler|rng_state|bertnb_state|trainer_state|training_args|scaler)\b/i;

export function exportableFiles(names: readonly string[]): string[] {
  return names.filter((n) => !RESUME_ONLY.test(n) && !n.startsWith('.') && !n.endsWith('.tmp'));
}

export function looksLikeModelFolder(names: readonly string[]): boolean {
  return names.includes('config.json') && names.some((n) => /^(model\.safetensors|pytorch_model\.bin|model\.safetensors\.index\.json)$/.test(n));
}
