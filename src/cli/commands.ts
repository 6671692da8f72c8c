// The built-in commands, in the order `--help` lists them. Another command registers itself
// with one import line here (e.g. `import './compact';`).
import './status';
import './clear-stale';
import './watch';
import './inspect';
import './compact';
import './session-actions';
import './metrics';
