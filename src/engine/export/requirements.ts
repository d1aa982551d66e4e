// Pinned Python packages for the Trainer export: one release train (late 2024) whose declared
// requirements are mutually compatible (transformers 4.46 needs tokenizers 0.20, accelerate >= 0.26;
// datasets 3.1 and torch 2.5 both accept numpy 1.26). Python 3.9–3.12.
export const REQUIREMENTS = `# Hugging Face Trainer export of a bertnb run. Python 3.9-3.12.
# One release train whose declared requirements agree with each other.
torch==2.5.1
transformers==4.46.3
tokenizers==0.20.3
datasets==3.1.0
accelerate==1.1.1
safetensors==0.4.5
numpy==1.26.4
tensorboard==2.18.0
`;
