"""Release, deployment, monitoring and provisioning items on repositories modelled on REMLA
teams' (tests/grade/operation.py): each earns every part on its repository, and each fault
case (one file edited, as data) takes exactly its part away, with evidence naming the file."""

# ruff: noqa: E501  (fault cases as data: one per line)
from __future__ import annotations

import re

import pytest

from sekit.grade.detectors import ITEMS
from sekit.grade.model import RunCoverage, RunRecord
from sekit.grade.repository import Repository
from tests.grade import operation as ops
from tests.grade.conftest import Repo

SERVICE_AND_LIBRARY = {**ops.MODEL_SERVICE, **ops.LIB_VERSION, "README.md": "# both\n"}
REPOSITORIES = {
    "operation": ops.OPERATION,
    "model_service": ops.MODEL_SERVICE,
    "service_and_library": SERVICE_AND_LIBRARY,
    "app": ops.APP,
    "app_and_operation": {**ops.OPERATION, **ops.APP},
    "model_training": ops.MODEL_TRAINING,
}
MET = [
    ("deploy.compose", "operation", ["ports published by app-service", "Docker secret", "environment file: docker-compose.yml", "same images"]),
    ("deploy.kubernetes", "operation", ["Ingress: helm/sentiment/templates/ingress.yaml", "MODEL_SERVICE_URL", "secretKeyRef", "hostPath"]),
    ("deploy.helm", "operation", ["installable twice", "names from the values"]),
    ("deploy.istio", "operation", ["90/10 split", "sourceLabels", "consistentHash"]),
    ("deploy.traffic", "operation", ["rate limiting"]),
    ("ops.alert_channel", "operation", ["TooManyRequests", "emailConfigs"]),
    ("ops.dashboard", "app_and_operation", ["3 app metrics shown", "installed with the deployment"]),
    ("ops.metrics", "app_and_operation", ["3 app metrics", "collected"]),
    ("provision.vms", "operation", ["a loop over the nodes", "extra_vars", "/mnt/shared"]),
    ("provision.software", "operation", ["kubeadm init guarded", "/etc/hosts", "regexp edit"]),
    ("provision.cluster", "operation", ["metallb", "ingress", "istio", "https"]),
    ("release.versions", "model_service", ["release on a tag", "version from the tag", "pre-release on main"]),
    ("release.images", "model_service", ["COPY --from=build", "linux/amd64,linux/arm64", "model downloaded at start: src/app.py", "kept in a local cache: src/app.py:15"]),
    ("ops.configuration", "model_service", ["MODEL_URL", "PORT", "flasgger"]),
    ("release.libraries", "service_and_library", ["lib-ml @ git+", "importlib.metadata"]),
    ("tests.coverage", "model_training", ["--cov=src"]),
    ("ci.lint", "model_training", ["pylint"]),
    ("ci.readme", "model_training", ["ML Test Score", "coverage in the README, updated by CI", "lint in the README, updated by CI"]),
    ("quality.lint_rules", "model_training", ["BaseChecker", "load-plugins"]),
]  # fmt: skip


@pytest.mark.parametrize(("detector", "name", "shown"), MET, ids=[m[0] for m in MET])
def test_each_item_is_met_on_its_repository(
    detector: str, name: str, shown: list[str], repo: Repo
) -> None:
    found = ITEMS[detector](Repository(repo(REPOSITORIES[name], git=False)))
    assert found.status == "met", found.evidence
    text = "\n".join(found.evidence)
    for expected in shown:
        assert expected in text, (expected, found.evidence)


REL = ops.MODEL_SERVICE[".github/workflows/release.yml"]
HOST_APP = ops.COMPOSE.replace(
    "    image: ghcr.io/team/model-service:1.2.0\n",
    "    image: ghcr.io/team/model-service:1.2.0\n    ports: ['8080:8080']\n",
)
FAULTS = [
    # (detector, repository, {path: new text, or None to delete}, the part lost, what the evidence says)
    ("deploy.compose", "operation", {"docker-compose.yml": HOST_APP}, "only_app", "publishes a port, though only the app should be reachable"),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace("    restart: unless-stopped\n    secrets", "    secrets")}, "restart", "no restart policy: app-service"),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.split("secrets:\n  api_key")[0].replace("    secrets: [api_key]\n", "")}, "secret", ""),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace("app-service:1.2.0", "app-service-dev:1.2.0")}, "same_images", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/ingress.yaml": None}, "ingress", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("hostPath:\n            path: /mnt/shared", "emptyDir: {}")}, "host_path", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("secretKeyRef", "notAKeyRef")}, "secret", ""),
    ("deploy.helm", "operation", {"helm/sentiment/templates/config.yaml": ops.CONFIG.replace('{{ include "sentiment.fullname" . }}-config', "shared-config")}, "twice", "a second install would clash on 1 of"),
    ("deploy.helm", "operation", {"helm/sentiment/templates/services.yaml": ops.SERVICES.replace("{{ .Values.modelService.name }}", "model-service"), "helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("{{ $.Values.modelService.name }}", "model-service").replace("{{ .Values.modelService.name }}", "model-service"), "helm/sentiment/templates/ingress.yaml": ops.INGRESS.replace("{{ .Values.ingress.host }}", "sentiment.local"), "helm/sentiment/templates/istio.yaml": ops.ISTIO.replace("{{ .Values.modelService.name }}", "model-service")}, "values_names", ""),
    ("deploy.istio", "operation", {"helm/sentiment/values.yaml": ops.VALUES.replace("stable: 90", "stable: 50").replace("canary: 10", "canary: 50")}, "split", "a 50/50 split, not 90/10"),
    ("deploy.istio", "operation", {"helm/sentiment/templates/istio.yaml": ops.ISTIO.replace("consistentHash:\n        httpCookie: {name: user, ttl: 0s}", "simple: ROUND_ROBIN")}, "sticky", ""),
    ("deploy.istio", "operation", {"helm/sentiment/templates/istio.yaml": ops.ISTIO.replace("sourceLabels", "uri")}, "consistent", ""),
    ("ops.alert_channel", "operation", {"helm/sentiment/templates/monitoring.yaml": ops.MONITORING.replace("authPassword: {name: smtp, key: password}", "authPassword: hunter2")}, "no_credentials", "a credential written in the file"),
    ("ops.alert_channel", "operation", {"helm/sentiment/templates/monitoring.yaml": ops.MONITORING.replace(" > 5", "").replace("          for: 2m\n", "")}, "rule", "without a threshold"),
    ("ops.dashboard", "app_and_operation", {"helm/sentiment/dashboards/app.json": ops.DASHBOARD.replace("histogram_quantile(0.95, rate(sentiment_latency_seconds_bucket[5m]))", "up")}, "metrics", "no panel shows: sentiment_latency_seconds"),
    ("ops.dashboard", "app_and_operation", {"helm/sentiment/templates/monitoring.yaml": ops.MONITORING.split("---\napiVersion: v1\nkind: ConfigMap")[0]}, "installed", ""),
    ("ops.metrics", "app_and_operation", {"src/app.py": ops.APP["src/app.py"].replace('Histogram("sentiment_latency_seconds", "time to answer"', 'Counter("sentiment_errors", "errors"')}, "histogram", ""),
    ("ops.metrics", "app_and_operation", {"src/app.py": ops.APP["src/app.py"].replace('"requests being served", ["version"]', '"requests being served"')}, "labels", "no labels on any gauge"),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace("    ansible.extra_vars = {workers: WORKERS}\n", "")}, "extra_vars", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace("(1..WORKERS).each do |i|", "[1, 2].map do |i|").replace("(1..WORKERS).map", "[1, 2].map")}, "loop", ""),
    ("provision.software", "operation", {"ansible/ctrl.yml": ops.CTRL.replace("      when: not admin_conf.stat.exists\n", "")}, ("idempotent", "init_once"), "kubeadm init NOT guarded"),
    ("provision.software", "operation", {"ansible/finalization.yml": ops.FINALIZATION.replace("      args:\n        creates: /etc/metallb-installed\n", "")}, "idempotent", "shell/command tasks always report a change"),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.split("    - name: Install Istio")[0]}, "istio", ""),
    ("release.versions", "model_service", {".github/workflows/release.yml": ops.MODEL_SERVICE[".github/workflows/release.yml"].replace("-pre-${{ github.run_number }}", "-pre")}, "counter", "no counter tells two pre-releases"),
    ("release.versions", "model_service", {".github/workflows/release.yml": ops.MODEL_SERVICE[".github/workflows/release.yml"].replace("    branches: [main]\n", "")}, ("pre_release", "counter"), ""),
    ("release.images", "model_service", {"Dockerfile": ops.MODEL_SERVICE["Dockerfile"].replace("COPY src src\n", "COPY src src\nCOPY models/model.joblib /root/models/\n")}, ("cached", "model_outside"), "the model is in the image: Dockerfile:8"),
    ("release.images", "model_service", {".github/workflows/release.yml": ops.MODEL_SERVICE[".github/workflows/release.yml"].replace("linux/amd64,linux/arm64", "linux/amd64")}, "architectures", ""),
    ("release.images", "model_service", {"src/app.py": ops.MODEL_SERVICE["src/app.py"].replace("    if not target.exists():\n        target", "    target")}, "cached", "downloaded again at every start"),
    ("ops.configuration", "model_service", {"src/app.py": ops.MODEL_SERVICE["src/app.py"].replace('int(os.getenv("PORT", "8080"))', "8080"), "Dockerfile": ops.MODEL_SERVICE["Dockerfile"].replace("${PORT}", "8080")}, "port", ""),
    ("release.libraries", "service_and_library", {"requirements.txt": "flask==3.1.0\n-e ../lib-ml\n"}, "reused", "local, not from a registry"),
    ("tests.coverage", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.replace("pytest --cov=src --cov-report=term", "pytest")}, "in_ci", ""),
    ("ci.readme", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.split("      - name: Badges into the README")[0]}, ("adequacy", "coverage", "lint"), "no workflow writes the README"),
    # A part of each line of the rubric that the cases above leave untouched.
    ("release.versions", "model_service", {".github/workflows/release.yml": REL.replace("    tags: ['v[0-9]+.[0-9]+.[0-9]+']\n", "")}, ("tag", "version_from_tag"), ""),
    ("release.versions", "model_service", {".github/workflows/release.yml": REL.split("      - name: Version")[0] + "      - name: Version\n        id: version\n        run: echo \"version=1.2.3-pre-${{ github.run_number }}\" >> \"$GITHUB_OUTPUT\"\n      - uses: docker/setup-qemu-action@v3" + REL.split("      - uses: docker/setup-qemu-action@v3")[1]}, "version_from_tag", ""),
    ("release.images", "model_service", {"Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY src src\nENV PORT=8080\nEXPOSE 8080\n" 'CMD ["sh", "-c", "gunicorn --bind 0.0.0.0:${PORT} src.app:app"]\n'}, "stages", ""),
    ("release.libraries", "service_and_library", {"pyproject.toml": '[project]\nname = "lib-version"\nversion = "0.3.0"\n', "lib_version/__init__.py": '"""The library\'s version."""\n__version__ = "0.3.0"\n'}, "versioned", ""),
    ("ops.configuration", "model_service", {"src/app.py": ops.MODEL_SERVICE["src/app.py"].replace('os.getenv("MODEL_URL", "https://github.com/team/model-training/releases/download/v1.0.0/model.joblib")', '"https://github.com/team/model-training/releases/download/v1.0.0/model.joblib"')}, "address", ""),
    ("ops.configuration", "model_service", {"src/app.py": ops.MODEL_SERVICE["src/app.py"].replace("from flasgger import Swagger\n", "").replace("Swagger(app)\n", ""), "requirements.txt": ops.MODEL_SERVICE["requirements.txt"].replace("flasgger==0.9.7.1\n", "")}, "openapi", ""),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace("    volumes:\n      - ./models:/root/models\n", "")}, "volume", ""),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace('    ports: ["8080:5000"]\n', "")}, ("only_app", "port_mapping"), ""),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace("    environment:\n      - MODEL_SERVICE_URL=http://model-service:${MODEL_PORT}\n", "").replace("    environment:\n      - PORT=${MODEL_PORT}\n", "").replace("    env_file: .env\n", "")}, ("env_file", "environment"), ""),
    ("deploy.compose", "operation", {"docker-compose.yml": ops.COMPOSE.replace("    env_file: .env\n", ""), ".env": None}, "env_file", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/config.yaml": ops.CONFIG.split("---\n")[1], "helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("          envFrom:\n            - configMapRef:\n                name: {{ include \"sentiment.fullname\" $ }}-config\n", "")}, "configmap", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("            - name: MODEL_SERVICE_URL\n              value: http://{{ include \"sentiment.fullname\" $ }}-{{ $.Values.modelService.name }}:{{ $.Values.modelService.port }}\n", "")}, "address", ""),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/services.yaml": None}, ("address", "service"), ""),
    ("deploy.helm", "operation", {"helm/sentiment/templates/ingress.yaml": None, "helm/sentiment/templates/services.yaml": None}, "complete", ""),
    ("deploy.istio", "operation", {"helm/sentiment/templates/istio.yaml": ops.ISTIO.split("---\n", 1)[1].replace("  gateways: [{{ include \"sentiment.fullname\" . }}-gateway]\n", "")}, "gateway", ""),
    ("ops.alert_channel", "operation", {"helm/sentiment/templates/monitoring.yaml": ops.MONITORING.replace("      emailConfigs:\n        - to: team@uni.example\n          authPassword: {name: smtp, key: password}\n", "")}, ("channel", "no_credentials"), ""),
    ("ops.dashboard", "app_and_operation", {"helm/sentiment/dashboards/app.json": ops.DASHBOARD.replace('"templating": {"list": [{"name": "version"}]},', "").replace("$__rate_interval", "5m")}, "selectors", ""),
    ("ops.dashboard", "app_and_operation", {"helm/sentiment/dashboards/app.json": ops.DASHBOARD.replace("sum by (version) (rate(sentiment_requests_total[$__rate_interval]))", "sentiment_requests_total").replace("avg(sentiment_in_progress)", "sentiment_in_progress").replace("histogram_quantile(0.95, rate(sentiment_latency_seconds_bucket[5m]))", "sentiment_latency_seconds_bucket")}, "functions", ""),
    ("ops.metrics", "app_and_operation", {"src/app.py": ops.APP["src/app.py"].replace('IN_PROGRESS = Gauge("sentiment_in_progress", "requests being served", ["version"])\n', "")}, ("three", "gauge_counter"), ""),
    ("ops.metrics", "app_and_operation", {"helm/sentiment/templates/deployment.yaml": ops.DEPLOYMENT.replace("      annotations:\n        prometheus.io/scrape: \"true\"\n", "")}, "collected", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace('"192.168.56.#{100 + i}"', '"192.168.56.101"')}, "arithmetic", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace("vb.cpus = WORKER_CPUS", "vb.cpus = 2").replace("vb.memory = WORKER_MEMORY", "vb.memory = 6144").replace("vb.cpus = CTRL_CPUS", "vb.cpus = 2").replace("vb.memory = CTRL_MEMORY", "vb.memory = 4096")}, "variables", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace('    ansible.groups = {"ctrl" => ["ctrl"], "workers" => (1..WORKERS).map { |i| "node-#{i}" }}\n', "")}, "inventory", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace('  config.vm.synced_folder "./shared", "/mnt/shared"\n', "")}, "shared", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.replace("private_network", "public_network")}, "network", ""),
    ("provision.vms", "operation", {"Vagrantfile": ops.VAGRANTFILE.split("  config.vm.provision :ansible")[0] + "end\n"}, ("ansible", "extra_vars", "inventory"), ""),
    ("provision.software", "operation", {"ansible/general.yml": ops.GENERAL.replace("ansible.builtin.apt:", "ansible.builtin.dnf:")}, "apt", ""),
    ("provision.software", "operation", {"ansible/general.yml": ops.GENERAL.split("    - name: Start and enable kubelet")[0]}, "service", ""),
    ("provision.software", "operation", {"ansible/general.yml": ops.GENERAL.split("    - name: Write /etc/hosts")[0] + ops.GENERAL.split("        dest: /etc/hosts\n")[1], "ansible/ctrl.yml": ops.CTRL.split("    - name: Copy the kubeconfig")[0] + ops.CTRL.split("        flat: true\n")[1]}, ("copy", "hosts"), ""),
    ("provision.software", "operation", {"ansible/general.yml": ops.GENERAL.split("    - name: Disable swap in fstab")[0] + ops.GENERAL.split("        backrefs: true\n")[1]}, ("edit", "regexp"), ""),
    ("provision.software", "operation", {"ansible/general.yml": ops.GENERAL.replace("      loop: \"{{ query('fileglob', 'keys/*.pub') }}\"\n", "").replace("lookup('file', item)", "lookup('file', 'keys/a.pub')")}, "loop", ""),
    ("provision.software", "operation", {"ansible/ctrl.yml": ops.CTRL.split("    - name: Wait for the controller")[0]}, "waits", ""),
    ("provision.cluster", "operation", {"ansible/ctrl.yml": ops.CTRL.split("    - name: Copy the kubeconfig")[0] + ops.CTRL.split("        flat: true\n")[1]}, "kubeconfig", ""),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.replace("Install MetalLB", "Install a load balancer").replace("metallb-native.yaml", "lb.yaml").replace("/etc/metallb-installed", "/etc/lb-installed").replace("Pool of fixed addresses (IPAddressPool)", "Pool of addresses")}, "metallb", ""),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.replace("values: {controller: {service: {loadBalancerIP: 192.168.56.90}}}", "values: {}")}, "fixed_ip", ""),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.split("    - name: Install the kubernetes-dashboard")[0] + ops.FINALIZATION.split("chart_ref: kubernetes-dashboard/kubernetes-dashboard\n")[1]}, "dashboard", ""),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.split("    - name: A self-signed certificate")[0] + ops.FINALIZATION.split("        provider: selfsigned\n")[1]}, "https", ""),
    ("ci.readme", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.replace("      - name: ML Test Score\n        run: python scripts/ml_test_score.py > mlts.txt\n", "")}, "adequacy_ci", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("detector", "name", "edit", "part", "said"),
    FAULTS,
    ids=[f"{f[0]}-{f[3] if isinstance(f[3], str) else f[3][0]}" for f in FAULTS],
)
def test_each_fault_takes_its_part_away(
    detector: str,
    name: str,
    edit: dict[str, str | None],
    part: str | tuple[str, ...],
    said: str,
    repo: Repo,
) -> None:
    files = {k: v for k, v in REPOSITORIES[name].items() if edit.get(k, v) is not None}
    files.update({k: v for k, v in edit.items() if v is not None})
    found = ITEMS[detector](Repository(repo(files, git=False)))
    assert found.status == "partial", found.evidence
    lost = sorted(p for p, (_, share) in found.parts.items() if share < 1.0)
    assert lost == sorted([part] if isinstance(part, str) else part), found.parts
    assert said in "\n".join(found.evidence), found.evidence


def test_nothing_there_is_missing_for_each_item(repo: Repo) -> None:
    empty = Repository(repo({"README.md": "# a data-science project\n"}, git=False))
    for detector, _, _ in MET:
        assert ITEMS[detector](empty).status == "missing", detector


def test_vendored_cluster_components_are_not_the_teams_deployment(repo: Repo) -> None:
    """A Flannel manifest the playbooks apply has a DaemonSet with a hostPath and a
    ConfigMap: it is not the application's (remla25-team21 and team3 keep such files)."""
    flannel = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-flannel\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-flannel-cfg\n  namespace: kube-flannel\n---\n"
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-flannel-ds\n  namespace: kube-flannel\n"
        "spec:\n  template:\n    spec:\n      containers: [{name: f, image: flannel}]\n"
        "      volumes: [{name: run, hostPath: {path: /run/flannel}}]\n"
    )
    found = ITEMS["deploy.kubernetes"](
        Repository(repo({"ansible/files/kube-flannel.yml": flannel}, git=False))
    )
    assert found.status == "missing", found.evidence


def test_coverage_under_run_is_the_sandboxs_measurement(repo: Repo) -> None:
    root = repo(ops.MODEL_TRAINING, git=False)
    measured = Repository(root)
    measured.run = RunRecord(
        sandbox="bubblewrap", coverage=RunCoverage(share=0.42, statements=50, covered=21)
    )
    found = ITEMS["tests.coverage"](measured)
    assert (
        found.status == "met"
        and "measured in the sandbox: 42.0% of 50 statements" in found.evidence
    )
    failed = Repository(root)
    failed.run = RunRecord(
        sandbox="bubblewrap", coverage=RunCoverage(note="pytest-cov is not installed")
    )
    found = ITEMS["tests.coverage"](failed)
    assert found.parts["measured"] == (0.5, 0.0)  # configured, but not measured: not credited
    assert "not measured in the sandbox: pytest-cov is not installed" in found.evidence


def test_provisioning_under_run_says_what_was_not_run(repo: Repo) -> None:
    repository = Repository(repo(ops.OPERATION, git=False))
    repository.run = RunRecord(sandbox="bubblewrap")
    found = ITEMS["provision.software"](repository)
    assert any("provisioning idempotence not run under --run" in e for e in found.evidence)


STATUS_FAULTS = [
    # (detector, repository, edit, status, what the evidence says): items judged as a whole
    ("ci.lint", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.replace("pylint src --output-format=text", "echo no lint"), ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pycqa/pylint\n    rev: v3.3.1\n    hooks: [{id: pylint}]\n"}, "partial", "only a pre-commit hook, not in CI"),
    ("ci.lint", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.replace("pylint src --output-format=text", "echo no lint")}, "missing", "CI runs no linter"),
    ("ci.lint", "model_training", {".github/workflows/quality.yml": ops.COVERAGE_BADGES.replace("on: [push]", "on: [workflow_dispatch]")}, "partial", "not on every push"),
    ("quality.lint_rules", "model_training", {".pylintrc": "[MASTER]\njobs=2\n"}, "partial", "not loaded by the lint configuration"),
    ("quality.lint_rules", "model_training", {"lint_rules/randomness.py": None}, "partial", "no checker class found"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("detector", "name", "edit", "status", "said"),
    STATUS_FAULTS,
    ids=[f"{f[0]}-{f[3]}" for f in STATUS_FAULTS],
)
def test_each_fault_lowers_an_item_judged_whole(
    detector: str, name: str, edit: dict[str, str | None], status: str, said: str, repo: Repo
) -> None:
    files = {k: v for k, v in REPOSITORIES[name].items() if edit.get(k, v) is not None}
    files.update({k: v for k, v in edit.items() if v is not None})
    found = ITEMS[detector](Repository(repo(files, git=False)))
    assert found.status == status, found.evidence
    assert said in "\n".join(found.evidence), found.evidence


ENV_IMAGES = ops.COMPOSE.replace("ghcr.io/team/app-service:1.2.0", "${APP_IMAGE}:${APP_VERSION}")
DNS_VARIABLE = ops.DEPLOYMENT.replace("name: MODEL_SERVICE_URL", "name: DNS")
VAGRANT_TYPED = re.sub(  # every size from the environment, as remla25-team18's
    r"^([A-Z_]+) = (\d+)$", r'\1 = ENV.fetch("\1", \2).to_i', ops.VAGRANTFILE, flags=re.M
).replace("config.vm.provision :ansible do", 'config.vm.provision "general", type: "ansible" do')
CLUSTER_OBJECTS = "- hosts: ctrl\n  tasks:\n    - name: Apply the app's objects\n      ansible.builtin.command: kubectl apply -f /vagrant/k8s/istio-ingress.yaml\n    - name: Auto load the Grafana dashboard\n      ansible.builtin.command: kubectl apply -f /vagrant/k8s/dashboard-configmap.yaml\n"
VAGRANT_HELPER = (
    ops.VAGRANTFILE.replace('    ctrl.vm.hostname = "ctrl"\n', "")
    .replace('      node.vm.hostname = "node-#{i}"\n', "")
    .replace(
        'Vagrant.configure("2") do |config|\n',
        'def name_it(vm, name)\n  vm.vm.hostname = name\nend\n\nVagrant.configure("2") do |config|\n',
    )
)
K8S_WAITS = (
    ops.CTRL.split("    - name: Wait for the controller")[0]
    + "    - name: Apply the pool once MetalLB is ready\n      kubernetes.core.k8s:\n        src: pool.yaml\n        wait: true\n"
)
VALUES_PASSWORD = ops.VALUES + 'smtp:\n#  password: "eait fmtz sspl cnkn"\n  passwordSecret: smtp\n'
WITH_PROXY = ops.COMPOSE.replace(
    "secrets:\n  api_key:", "  proxy:\n    image: nginx:1.27\nsecrets:\n  api_key:"
)
ONLY_MESSAGES = (
    ops.FINALIZATION.split("    - name: A self-signed certificate")[0]
    + ops.FINALIZATION.split("        provider: selfsigned\n")[1]
    + "    - name: Where the dashboard is\n      ansible.builtin.debug:\n        msg: open https://dashboard.local (accept the self-signed certificate)\n"
)
FORMS = [
    # Forms first met on remla25-team14 and team15/operation, the held-out repositories (after their measurement)
    ("deploy.compose", "operation", {"docker-compose.yml": WITH_PROXY}, "same_images", 1.0),
    ("ops.alert_channel", "operation", {"helm/sentiment/values.yaml": ops.VALUES + "githubTokenKey: GITHUB_TOKEN\ntokenSecretName: github-token\n"}, "no_credentials", 1.0),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ONLY_MESSAGES}, "https", 0.0),
    # Forms first met on remla25-team12/operation: a helper that names each machine, a module that waits, a commented-out SMTP password in the values
    ("provision.vms", "operation", {"Vagrantfile": VAGRANT_HELPER}, "machines", 1.0),
    ("provision.vms", "operation", {"Vagrantfile": VAGRANT_HELPER.replace("  vm.vm.hostname = name\n", "")}, "machines", 0.0),
    ("provision.software", "operation", {"ansible/ctrl.yml": K8S_WAITS}, "waits", 1.0),
    ("provision.software", "operation", {"ansible/ctrl.yml": K8S_WAITS.replace("wait: true", "wait: false")}, "waits", 0.0),
    ("ops.alert_channel", "operation", {"helm/sentiment/values.yaml": VALUES_PASSWORD}, "no_credentials", 0.0),
    ("ops.alert_channel", "operation", {"helm/sentiment/values.yaml": VALUES_PASSWORD.replace('#  password: "eait fmtz sspl cnkn"\n', '  password: ""\n')}, "no_credentials", 1.0),
    # Forms first met on remla25-team18/operation (read after the detectors were written): (detector, repository, edit, part, its share)
    ("deploy.compose", "operation", {"docker-compose.yml": ENV_IMAGES, ".env": "MODEL_PORT=8080\nAPP_IMAGE=ghcr.io/team/app-service\nAPP_VERSION=1.2.0\n"}, "same_images", 1.0),
    ("deploy.compose", "operation", {"docker-compose.yml": ENV_IMAGES, ".env": "MODEL_PORT=8080\nAPP_IMAGE=ghcr.io/team/app-service-dev\n"}, "same_images", 0.0),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/deployment.yaml": DNS_VARIABLE}, "address", 1.0),
    ("deploy.kubernetes", "operation", {"helm/sentiment/templates/deployment.yaml": DNS_VARIABLE.replace("name: DNS", "name: GREETING")}, "address", 0.0),
    ("provision.vms", "operation", {"Vagrantfile": VAGRANT_TYPED}, "ansible", 1.0),
    ("provision.vms", "operation", {"Vagrantfile": VAGRANT_TYPED}, "variables", 1.0),
    ("provision.vms", "operation", {"Vagrantfile": VAGRANT_TYPED.replace('type: "ansible"', 'type: "shell"')}, "ansible", 0.0),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.split("    - name: Install the kubernetes-dashboard")[0] + ops.FINALIZATION.split("chart_ref: kubernetes-dashboard/kubernetes-dashboard\n")[1], "ansible/cluster.yml": CLUSTER_OBJECTS}, "dashboard", 0.0),
    ("provision.cluster", "operation", {"ansible/finalization.yml": ops.FINALIZATION.split("    - name: Install Istio")[0], "ansible/cluster.yml": CLUSTER_OBJECTS}, "istio", 0.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("detector", "name", "edit", "part", "share"),
    FORMS,
    ids=[f"{f[0]}-{f[3]}-{f[4]:g}" for f in FORMS],
)
def test_other_forms_of_the_same_part(
    detector: str, name: str, edit: dict[str, str | None], part: str, share: float, repo: Repo
) -> None:
    """An image named by .env variables, an address variable called DNS, a typed Ansible
    provisioner and variables read from ENV count; a Grafana dashboard or the team's Istio
    objects applied by a playbook are not the Kubernetes dashboard or Istio installed."""
    files = {k: v for k, v in REPOSITORIES[name].items() if edit.get(k, v) is not None}
    files.update({k: v for k, v in edit.items() if v is not None})
    found = ITEMS[detector](Repository(repo(files, git=False)))
    assert found.parts[part][1] == share, found.evidence


def test_evidence_quotes_a_task_by_its_own_name(repo: Repo) -> None:
    """A task named with a Jinja expression is cited at its line (its name is not rewritten
    as if the playbook were a Helm template)."""
    istio = ops.FINALIZATION.replace(
        "    - name: Install Istio\n", "    - name: Install Istio {{ istio_version }}\n"
    )
    files = {**ops.OPERATION, "ansible/finalization.yml": istio}
    found = ITEMS["provision.cluster"](Repository(repo(files, git=False)))
    assert (
        "istio: ansible/finalization.yml:24: - name: Install Istio {{ istio_version }}"
        in found.evidence
    )
