// The launch topology of a Trainer export: accelerate_config.yaml, torchrun and SLURM command lines.
import { stringify } from 'yaml';

export interface LaunchPlan {
  processesPerMachine: number;
  machines: number;
  mixedPrecision: 'no' | 'fp16' | 'bf16';
  /** accelerate's num_processes counts every process on every machine. */
  totalProcesses: number;
}

export function acceleratePlan(o: {
  processesPerMachine: number;
  machines: number;
  mixedPrecision: 'no' | 'fp16' | 'bf16';
}): LaunchPlan {
  return { ...o, totalProcesses: o.processesPerMachine * o.machines };
}

/** accelerate 1.x config file (the keys `accelerate config` writes). */
export function accelerateConfigYaml(p: LaunchPlan): string {
  const multiNode = p.machines > 1;
  const cfg: Record<string, unknown> = {
    compute_environment: 'LOCAL_MACHINE',
    debug: false,
    distributed_type: p.totalProcesses > 1 ? 'MULTI_GPU' : 'NO',
    downcast_bf16: 'no',
    enable_cpu_affinity: false,
    gpu_ids: 'all',
    machine_rank: 0,
    ...(multiNode ? { main_process_ip: '127.0.0.1', main_process_port: 29500 } : {}),
    main_training_function: 'main',
    mixed_precision: p.mixedPrecision,
    num_machines: p.machines,
    num_processes: p.totalProcesses,
    rdzv_backend: 'static',
    same_network: true,
    tpu_env: [],
    tpu_use_cluster: false,
    tpu_use_sudo: false,
    use_cpu: false,
  };
  const head = multiNode
    ? '# Multi-machine: on each machine pass --machine_rank R (0 on the main one) and --main_process_ip of machine 0\n# (or edit main_process_ip below). See README.md.\n'
    : '';
  // YAML 1.1 quoting: accelerate reads the file with PyYAML, for which a bare `no` is the boolean false.
  return head + stringify(cfg, { version: '1.1' });
}

export function accelerateCommand(p: LaunchPlan): string {
  if (p.machines === 1) return 'accelerate launch --config_file accelerate_config.yaml train.py';
  return 'accelerate launch --config_file accelerate_config.yaml --machine_rank $MACHINE_RANK --main_process_ip $MAIN_IP --main_process_port 29500 train.py';
}

export function torchrunCommand(p: LaunchPlan): string {
  if (p.machines === 1) return `torchrun --standalone --nproc_per_node=${p.processesPerMachine} train.py`;
  return `torchrun --nnodes=${p.machines} --nproc_per_node=${p.processesPerMachine} --node_rank=$MACHINE_RANK --master_addr=$MAIN_IP --master_port=29500 train.py`;
}

/** One task per node; each runs accelerate with its node rank. */
export function slurmScript(p: LaunchPlan, jobName: string): string {
  const name = jobName.replace(/[^A-Za-z0-9_.-]/g, '_') || 'bertnb-trainer';
  return `#!/bin/bash
#SBATCH --job-name=${name}
#SBATCH --nodes=${p.machines}
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=${p.processesPerMachine}
#SBATCH --cpus-per-task=8
#SBATCH --time=24:00:00
#SBATCH --output=%x-%j.out
# Submit from this folder: sbatch slurm.sbatch (activate the Python environment first, or below).
set -euo pipefail
cd "$SLURM_SUBMIT_DIR"
export MAIN_IP=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
srun --kill-on-bad-exit=1 bash -c 'accelerate launch --config_file accelerate_config.yaml \\
  --num_machines $SLURM_NNODES --num_processes $(( SLURM_NNODES * ${p.processesPerMachine} )) \\
  --machine_rank $SLURM_NODEID --main_process_ip $MAIN_IP --main_process_port 29500 train.py'
`;
}
