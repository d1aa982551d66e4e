// README.md of a Trainer export: how to install and launch it (one process, accelerate, torchrun,
// SLURM), how the results come back into bertnb, every TrainingArguments value, the keys handled
// elsewhere, and what cannot be the same as the bertnb run.
import type { RunConfig } from '../../schema';
import { trainingFields } from '../../schema';
import { accelerateCommand, torchrunCommand, type LaunchPlan } from './launch';
import { trainingArgumentKeywords } from './trainPy';

export interface ReadmeInput {
  config: RunConfig;
  plan: LaunchPlan;
  warnings: string[];
  handledElsewhere: Array<{ key: string; where: string }>;
  source: string;
  model: { kind: 'builtin'; name: string; hubEquivalent: string } | { kind: 'folder' | 'hub'; path: string };
  files: string[];
}

export function readme(r: ReadmeInput): string {
  const c = r.config;
  const p = r.plan;
  const args = trainingArgumentKeywords({ config: c, mixedPrecision: p.mixedPrecision });
  const start =
    r.model.kind === 'builtin'
      ? `bertnb's built-in \`${r.model.name}\` is a randomly initialised BERT of that size, so \`train.py\` builds the same \`BertConfig\` and starts from random weights. To start from Google's pretrained compact BERT of the same size instead, set \`MODEL = {"kind": "hub", "path": "${r.model.hubEquivalent}"}\` in train.py (or export with \`--pretrained-weights\`).`
      : r.model.kind === 'folder'
        ? `The local model folder \`${r.model.path}\` (loaded with \`from_pretrained\`; a bertnb checkpoint is a Hugging Face folder).`
        : `The Hub model \`${r.model.path}\`.`;
  const multi = p.machines > 1;
  return `# Hugging Face Trainer export

Exported by \`bertnb export-trainer\` from ${r.source}: the same run (${c.task}, model \`${c.model}\`) on
Hugging Face \`Trainer\` with PyTorch, for several GPUs or machines.

Files: ${r.files.map((f) => `\`${f}\``).join(', ')}.

## Set up

\`\`\`sh
python3 -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
\`\`\`

## Launch

Run these from this folder: relative \`output_dir\` (\`${c.training.output_dir}\`) and \`logging_dir\` are relative to the folder you launch from (data paths in train.py are relative to train.py).
The topology exported: ${p.processesPerMachine} process(es) per machine × ${p.machines} machine(s), mixed precision \`${p.mixedPrecision}\`.

- One process: \`python train.py\`
- accelerate (uses accelerate_config.yaml):${multi ? ' on every machine, with MACHINE_RANK = 0, 1, … and MAIN_IP = the address of machine 0:' : ''}

  \`\`\`sh
  ${accelerateCommand(p)}
  \`\`\`
- torchrun:${multi ? ' on every machine, with MACHINE_RANK and MAIN_IP as above:' : ''}

  \`\`\`sh
  ${torchrunCommand(p)}
  \`\`\`
- SLURM: \`sbatch slurm.sbatch\` (${p.machines} node(s) × ${p.processesPerMachine} GPU(s); edit time and CPUs to your cluster).

## Back into bertnb

\`output_dir\` ends up holding \`checkpoint-N/\` folders and the final model (\`config.json\`, \`model.safetensors\`,
tokenizer files, \`trainer_state.json\`). bertnb reads them as its own runs: \`echo "some text" | bertnb predict --model ${c.training.output_dir}\`,
\`bertnb evaluate --model ${c.training.output_dir} --data FILE\`, \`%model\` with the folder, \`resume_from_checkpoint\` with a
checkpoint folder; the training monitor lists the run with its curves from \`trainer_state.json\` when its
output folder is among the monitored ones.

## Start model

${start}

## TrainingArguments

Every \`training\` key of the bertnb schema that Hugging Face \`TrainingArguments\` has, with the run's value (names are the same):

| key | value |
|---|---|
${args.map(([k, v]) => `| \`${k}\` | \`${v}\` |`).join('\n')}

## Handled elsewhere

These keys of the run configuration are not TrainingArguments; here is where the export honours them:

${r.handledElsewhere.map((h) => `- \`${h.key}\`: ${h.where}`).join('\n')}

Schema keys listed here: ${Object.entries(trainingFields)
    .filter(([, s]) => 'hf' in s && s.hf === false)
    .map(([k]) => `\`training.${k}\``)
    .join(', ')}.

## Differences from the bertnb run

${r.warnings.map((w) => `- ${w}`).join('\n')}
- Texts longer than 100,000 characters are cut by code points here and by UTF-16 units in bertnb (only matters for such texts with emoji or other astral characters).
- Pretraining \`mlm_loss\` is averaged over masked tokens here and over batches in bertnb.
`;
}
