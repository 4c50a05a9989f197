"""The text of `sekit --help`, served without importing click (see main.py).

Generated: tests/cli/test_help.py checks it and rewrites it when SEKIT_UPDATE_HELP=1.
"""

TOP_LEVEL_HELP = (
    'Usage: sekit [OPTIONS] COMMAND [ARGS]...\n'
    '\n'
    '  Scaffold, check, gate and grade ML-enabled software projects.\n'
    '\n'
    '  sekit tests the data, the model and the service of a team project, blocks a\n'
    '  deployment in CI when a check fails or a metric misses its bound, and writes\n'
    '  the readiness reports that instructors grade from.\n'
    '\n'
    '  Examples:\n'
    '    sekit check data              # data tests on the configured datasets\n'
    '    sekit gate                    # run all checks, evaluate [gates], exit 1 to block\n'
    '    sekit report --format markdown\n'
    '\n'
    '  Exit codes: 0 passed, 1 a check failed or a gate blocked, 2 usage, config or\n'
    '  input error, 3 internal error, 130 interrupted.\n'
    '  Shell completion: eval "$(sekit completion bash)"  (or zsh, fish).\n'
    '\n'
    'Options:\n'
    '  --version   Show the version and exit.\n'
    '  --debug     Show tracebacks of internal errors.\n'
    '  -h, --help  Show this message and exit.\n'
    '\n'
    'Commands:\n'
    '  new         Scaffold a team project.\n'
    '  init        Add sekit to an existing repository.\n'
    '  check       Run the checks of every configured suite, or of one.\n'
    '  gate        Run the checks and block or pass a deployment.\n'
    '  report      Render a saved report.\n'
    '  grade       Grade team repositories for readiness.\n'
    '  config      Validate the config or print its schema.\n'
    '  explain     Explain a finding kind or metric.\n'
    "  up          Run the system's services here, without Docker.\n"
    '  trace       Where one served answer came from.\n'
    '  retrain     Retrain on feedback when due; promote what passes.\n'
    '  exercise    Hands-on exercises on broken projects.\n'
    '  completion  Print the shell completion script.\n'
)
