// `hvbench lab setup [--yes]`: what the lab engines (kvm-qemu) need on this host. Without --yes it prints the
// apt command for what is missing and changes nothing; with --yes it runs it. Exit 0 when nothing is missing
// (or the install succeeded), 1 when something is still missing.
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { aptInstallCommand, LAB_REQUIREMENTS, missingRequirements } from '../../engines/lab/requirements.ts';
import { UsageError } from '../../harness/errors.ts';

export function labCommand(): Command {
  const lab = new Command('lab').description('the lab engines: real hypervisors under QEMU');
  lab.addCommand(new Command('setup')
    .description('install (with --yes) or print the apt command for what the lab engines need')
    .option('--yes', 'run the apt command instead of printing it')
    .action((opts: { yes?: boolean }) => {
      const missing = missingRequirements();
      if (!missing.length) {
        process.stdout.write(`lab: everything is installed (${LAB_REQUIREMENTS.map((r) => r.package).join(', ')})\n`);
        return;
      }
      const command = aptInstallCommand(missing);
      const list = missing.map((r) => `  ${r.package}: ${r.why}`).join('\n');
      if (!opts.yes) {
        process.stdout.write(`lab: missing\n${list}\ninstall with (or run hvbench lab setup --yes):\n  ${command.join(' ')}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`lab: installing\n${list}\n$ ${command.join(' ')}\n`);
      const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
      if (r.error) throw new UsageError(`lab setup: cannot run ${command[0]}: ${r.error.message}`);
      const still = missingRequirements();
      if (r.status !== 0 || still.length) {
        process.stderr.write(`lab setup: apt-get exited with ${r.status}; still missing: ${still.map((s) => s.package).join(', ') || 'nothing'}\n`);
        process.exitCode = 1;
      }
    }));
  return lab;
}
