"""Release and deployment repositories laid out like TU Delft REMLA 2025 teams' (the
``operation``, ``model-service``, ``lib-version``, ``app`` and ``model-training`` repositories
of remla25-team1, team3, team13 and team21, read on 2026-12-07). Written for these tests:
each file says in a few lines what the real ones say, none is copied.

Each dict is one repository that earns every part of the items it is about; the fault cases in
``test_deployment.py`` edit one file to take one part away.
"""

# ruff: noqa: E501  (repositories as data)
from __future__ import annotations

HELPERS = """\
{{- define "sentiment.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
"""
VALUES = """\
appService:
  image: ghcr.io/team/app-service:1.2.0
  port: 5000
  versions: [v1, v2]
modelService:
  image: ghcr.io/team/model-service:1.2.0
  name: model-service
  port: 8080
ingress:
  host: sentiment.local
dashboards:
  enabled: true
split:
  stable: 90
  canary: 10
"""
DEPLOYMENT = """\
{{- range $version := .Values.appService.versions }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "sentiment.fullname" $ }}-app-{{ $version }}
  labels:
    app: app-service
    version: {{ $version }}
spec:
  selector:
    matchLabels: {app: app-service, version: {{ $version }}}
  template:
    metadata:
      labels: {app: app-service, version: {{ $version }}}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      containers:
        - name: app
          image: {{ $.Values.appService.image }}
          env:
            - name: MODEL_SERVICE_URL
              value: http://{{ include "sentiment.fullname" $ }}-{{ $.Values.modelService.name }}:{{ $.Values.modelService.port }}
            - name: API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "sentiment.fullname" $ }}-secret
                  key: apiKey
          envFrom:
            - configMapRef:
                name: {{ include "sentiment.fullname" $ }}-config
          volumeMounts:
            - name: shared
              mountPath: /mnt/shared
      volumes:
        - name: shared
          hostPath:
            path: /mnt/shared
---
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "sentiment.fullname" . }}-{{ .Values.modelService.name }}
spec:
  selector:
    matchLabels: {app: model-service}
  template:
    metadata:
      labels: {app: model-service}
    spec:
      containers:
        - name: model
          image: {{ .Values.modelService.image }}
          env:
            - name: PORT
              value: {{ .Values.modelService.port | quote }}
"""
SERVICES = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "sentiment.fullname" . }}-{{ .Values.modelService.name }}
spec:
  selector: {app: model-service}
  ports:
    - port: {{ .Values.modelService.port }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "sentiment.fullname" . }}-app
spec:
  selector: {app: app-service}
  ports:
    - port: 80
      targetPort: {{ .Values.appService.port }}
"""
CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "sentiment.fullname" . }}-config
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "sentiment.fullname" . }}-secret
type: Opaque
data:
  apiKey: {{ "not-a-real-key" | b64enc | quote }}
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "sentiment.fullname" . }}-ingress
spec:
  ingressClassName: nginx
  rules:
    - host: {{ .Values.ingress.host }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "sentiment.fullname" . }}-app
                port: {number: 80}
"""
ISTIO = """\
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: {{ include "sentiment.fullname" . }}-gateway
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["*"]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: {{ include "sentiment.fullname" . }}-app
spec:
  hosts: ["*"]
  gateways: [{{ include "sentiment.fullname" . }}-gateway]
  http:
    - route:
        - destination: {host: {{ include "sentiment.fullname" . }}-app, subset: v1}
          weight: {{ .Values.split.stable }}
        - destination: {host: {{ include "sentiment.fullname" . }}-app, subset: v2}
          weight: {{ .Values.split.canary }}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: {{ include "sentiment.fullname" . }}-model
spec:
  hosts: [{{ include "sentiment.fullname" . }}-{{ .Values.modelService.name }}]
  http:
    - match:
        - sourceLabels: {version: v2}
      route:
        - destination: {host: {{ include "sentiment.fullname" . }}-{{ .Values.modelService.name }}, subset: v2}
    - route:
        - destination: {host: {{ include "sentiment.fullname" . }}-{{ .Values.modelService.name }}, subset: v1}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: {{ include "sentiment.fullname" . }}-app
spec:
  host: {{ include "sentiment.fullname" . }}-app
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: {name: user, ttl: 0s}
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
"""
RATE_LIMIT = """\
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: {{ include "sentiment.fullname" . }}-ratelimit
spec:
  configPatches:
    - applyTo: HTTP_FILTER
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.local_ratelimit
"""
MONITORING = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "sentiment.fullname" . }}-rules
spec:
  groups:
    - name: app
      rules:
        - alert: TooManyRequests
          expr: rate(sentiment_requests_total[1m]) > 5
          for: 2m
---
apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata:
  name: {{ include "sentiment.fullname" . }}-alerts
spec:
  route: {receiver: mail}
  receivers:
    - name: mail
      emailConfigs:
        - to: team@uni.example
          authPassword: {name: smtp, key: password}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "sentiment.fullname" . }}-dashboard
  labels:
    grafana_dashboard: "1"
data:
  app.json: |
{{ .Files.Get "dashboards/app.json" | indent 4 }}
"""
DASHBOARD = """\
{"title": "Sentiment", "templating": {"list": [{"name": "version"}]},
 "panels": [
  {"title": "Requests", "targets": [{"expr": "sum by (version) (rate(sentiment_requests_total[$__rate_interval]))"}]},
  {"title": "In progress", "targets": [{"expr": "avg(sentiment_in_progress)"}]},
  {"title": "Latency", "targets": [{"expr": "histogram_quantile(0.95, rate(sentiment_latency_seconds_bucket[5m]))"}]}
 ]}
"""
COMPOSE = """\
services:
  app-service:
    image: ghcr.io/team/app-service:1.2.0
    ports: ["8080:5000"]
    environment:
      - MODEL_SERVICE_URL=http://model-service:${MODEL_PORT}
    env_file: .env
    restart: unless-stopped
    secrets: [api_key]
  model-service:
    image: ghcr.io/team/model-service:1.2.0
    environment:
      - PORT=${MODEL_PORT}
    volumes:
      - ./models:/root/models
    restart: unless-stopped
secrets:
  api_key:
    file: ./api_key.txt
"""
VAGRANTFILE = """\
WORKERS = 2
CTRL_CPUS = 2
CTRL_MEMORY = 4096
WORKER_CPUS = 2
WORKER_MEMORY = 6144

Vagrant.configure("2") do |config|
  config.vm.box = "bento/ubuntu-24.04"
  config.vm.synced_folder "./shared", "/mnt/shared"
  config.vm.define "ctrl" do |ctrl|
    ctrl.vm.hostname = "ctrl"
    ctrl.vm.network "private_network", ip: "192.168.56.100"
    ctrl.vm.provider "virtualbox" do |vb|
      vb.cpus = CTRL_CPUS
      vb.memory = CTRL_MEMORY
    end
  end
  (1..WORKERS).each do |i|
    config.vm.define "node-#{i}" do |node|
      node.vm.hostname = "node-#{i}"
      node.vm.network "private_network", ip: "192.168.56.#{100 + i}"
      node.vm.provider "virtualbox" do |vb|
        vb.cpus = WORKER_CPUS
        vb.memory = WORKER_MEMORY
      end
    end
  end
  config.vm.provision :ansible do |ansible|
    ansible.playbook = "ansible/general.yml"
    ansible.groups = {"ctrl" => ["ctrl"], "workers" => (1..WORKERS).map { |i| "node-#{i}" }}
    ansible.extra_vars = {workers: WORKERS}
  end
end
"""
GENERAL = """\
- hosts: all
  become: true
  tasks:
    - name: Install the container runtime
      ansible.builtin.apt:
        name: containerd
        state: present
    - name: Copy the team's keys
      ansible.posix.authorized_key:
        user: vagrant
        key: "{{ lookup('file', item) }}"
      loop: "{{ query('fileglob', 'keys/*.pub') }}"
    - name: Disable swap in fstab
      ansible.builtin.lineinfile:
        path: /etc/fstab
        regexp: '^([^#].*\\sswap\\s.*)$'
        line: '# \\1'
        backrefs: true
    - name: Write /etc/hosts
      ansible.builtin.template:
        src: hosts.j2
        dest: /etc/hosts
    - name: Start and enable kubelet
      ansible.builtin.service:
        name: kubelet
        state: started
        enabled: true
"""
CTRL = """\
- hosts: ctrl
  become: true
  tasks:
    - name: Is the cluster there
      ansible.builtin.stat:
        path: /etc/kubernetes/admin.conf
      register: admin_conf
    - name: Initialise the cluster
      ansible.builtin.command: kubeadm init --apiserver-advertise-address=192.168.56.100
      when: not admin_conf.stat.exists
    - name: Copy the kubeconfig to the host
      ansible.builtin.fetch:
        src: /etc/kubernetes/admin.conf
        dest: ./admin.conf
        flat: true
    - name: Wait for the controller
      ansible.builtin.command: kubectl wait --for=condition=Ready nodes --all --timeout=300s
      changed_when: false
"""
FINALIZATION = """\
- hosts: ctrl
  tasks:
    - name: Install MetalLB
      ansible.builtin.command: kubectl apply -f metallb-native.yaml
      args:
        creates: /etc/metallb-installed
    - name: Pool of fixed addresses (IPAddressPool)
      kubernetes.core.k8s:
        definition: "{{ lookup('file', 'pool.yaml') }}"
    - name: Install ingress-nginx
      kubernetes.core.helm:
        name: ingress-nginx
        chart_ref: ingress-nginx/ingress-nginx
        release_namespace: ingress-nginx
        values: {controller: {service: {loadBalancerIP: 192.168.56.90}}}
    - name: Install the kubernetes-dashboard
      kubernetes.core.helm:
        name: kubernetes-dashboard
        chart_ref: kubernetes-dashboard/kubernetes-dashboard
    - name: A self-signed certificate for HTTPS
      community.crypto.x509_certificate:
        path: /etc/ssl/ingress.crt
        provider: selfsigned
    - name: Install Istio
      ansible.builtin.command: istioctl install -y
      args:
        creates: /etc/istio-installed
"""
OPERATION: dict[str, str | bytes] = {
    "README.md": "# operation\n\nStart with `docker compose up`; the cluster with `vagrant up`.\n",
    "docker-compose.yml": COMPOSE,
    ".env": "MODEL_PORT=8080\n",
    "api_key.txt": "placeholder\n",
    "Vagrantfile": VAGRANTFILE,
    "ansible/general.yml": GENERAL,
    "ansible/ctrl.yml": CTRL,
    "ansible/finalization.yml": FINALIZATION,
    "ansible/hosts.j2": "{% for n in nodes %}{{ n.ip }} {{ n.name }}\n{% endfor %}",
    "helm/sentiment/Chart.yaml": "apiVersion: v2\nname: sentiment\nversion: 0.1.0\nappVersion: 1.2.0\n",
    "helm/sentiment/values.yaml": VALUES,
    "helm/sentiment/templates/_helpers.tpl": HELPERS,
    "helm/sentiment/templates/deployment.yaml": DEPLOYMENT,
    "helm/sentiment/templates/services.yaml": SERVICES,
    "helm/sentiment/templates/config.yaml": CONFIG,
    "helm/sentiment/templates/ingress.yaml": INGRESS,
    "helm/sentiment/templates/istio.yaml": ISTIO,
    "helm/sentiment/templates/ratelimit.yaml": RATE_LIMIT,
    "helm/sentiment/templates/monitoring.yaml": MONITORING,
    "helm/sentiment/dashboards/app.json": DASHBOARD,
}

MODEL_SERVICE: dict[str, str | bytes] = {
    "README.md": "# model-service\n\nServes the sentiment model over REST.\n",
    "requirements.txt": "flask==3.1.0\nflasgger==0.9.7.1\nlib-ml @ git+https://github.com/team/lib-ml@v0.3.0\n",
    "Dockerfile": (
        "FROM python:3.12-slim AS build\nCOPY requirements.txt .\n"
        "RUN pip install --prefix=/install -r requirements.txt\n\n"
        "FROM python:3.12-slim\nCOPY --from=build /install /usr/local\nCOPY src src\n"
        "ENV PORT=8080\nEXPOSE 8080\n"
        'CMD ["sh", "-c", "gunicorn --bind 0.0.0.0:${PORT} src.app:app"]\n'
    ),
    "src/app.py": (
        '"""The model service."""\nimport os\nfrom pathlib import Path\n\nimport requests\n'
        "from flasgger import Swagger\nfrom flask import Flask\n\n"
        'MODEL_URL = os.getenv("MODEL_URL", "https://github.com/team/model-training/releases/download/v1.0.0/model.joblib")\n'
        'CACHE = Path(os.getenv("MODEL_CACHE", "/root/models"))\n\n\n'
        "def download_model() -> Path:\n"
        '    target = CACHE / "model.joblib"\n'
        "    if not target.exists():\n"
        "        target.write_bytes(requests.get(MODEL_URL, timeout=60).content)\n"
        "    return target\n\n\n"
        "app = Flask(__name__)\nSwagger(app)\n\n"
        'if __name__ == "__main__":\n    app.run(port=int(os.getenv("PORT", "8080")))\n'
    ),
    ".github/workflows/release.yml": (
        "name: release\non:\n  push:\n    tags: ['v[0-9]+.[0-9]+.[0-9]+']\n    branches: [main]\n"
        "jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - name: Version\n        id: version\n        run: |\n"
        '          if [[ "$GITHUB_REF" == refs/tags/* ]]; then\n'
        '            echo "version=${GITHUB_REF#refs/tags/v}" >> "$GITHUB_OUTPUT"\n'
        "          else\n"
        "            LAST=$(git describe --tags --abbrev=0)\n"
        '            echo "version=${LAST#v}-pre-${{ github.run_number }}" >> "$GITHUB_OUTPUT"\n'
        "          fi\n"
        "      - uses: docker/setup-qemu-action@v3\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n"
        "          platforms: linux/amd64,linux/arm64\n"
        "          tags: ghcr.io/team/model-service:${{ steps.version.outputs.version }}\n"
    ),
}

LIB_VERSION: dict[str, str | bytes] = {
    "README.md": "# lib-version\n\nKnows its own version.\n",
    "pyproject.toml": '[project]\nname = "lib-version"\ndynamic = ["version"]\n\n[tool.setuptools.dynamic]\nversion = {attr = "lib_version._version.__version__"}\n',
    "lib_version/__init__.py": '"""The library\'s version, from its installed metadata."""\nfrom importlib.metadata import version\n\n__version__ = version("lib-version")\n',
}

APP: dict[str, str | bytes] = {
    "README.md": "# app\n\nThe front end and its back end.\n",
    "src/app.py": (
        '"""The app\'s back end, with its own metrics."""\nimport os\n\n'
        "from prometheus_client import Counter, Gauge, Histogram\n\n"
        'MODEL_SERVICE_URL = os.getenv("MODEL_SERVICE_URL", "http://localhost:8080")\n'
        'REQUESTS = Counter("sentiment_requests", "requests", ["version"])\n'
        'IN_PROGRESS = Gauge("sentiment_in_progress", "requests being served", ["version"])\n'
        'LATENCY = Histogram("sentiment_latency_seconds", "time to answer", ["version"])\n'
    ),
}

COVERAGE_BADGES = """\
name: quality
on: [push]
permissions:
  contents: write
jobs:
  quality:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r requirements-dev.txt
      - name: Lint
        run: pylint src --output-format=text > pylint.txt || true
      - name: Tests with coverage
        run: pytest --cov=src --cov-report=term
      - name: ML Test Score
        run: python scripts/ml_test_score.py > mlts.txt
      - name: Badges into the README
        run: |
          COVERAGE=$(coverage report | awk '/TOTAL/ {print $4}')
          SCORE=$(cat mlts.txt)
          LINT=$(grep -o 'rated at [0-9.]*' pylint.txt | cut -d' ' -f3)
          sed -i "s|Coverage-[0-9.]*%25|Coverage-${COVERAGE}25|" README.md
          sed -i "s|ML%20Test%20Score-[0-9.]*|ML%20Test%20Score-${SCORE}|" README.md
          sed -i "s|pylint-[0-9.]*|pylint-${LINT}|" README.md
          git add README.md && git commit -m "badges" && git push || true
"""
MODEL_TRAINING: dict[str, str | bytes] = {
    "README.md": (
        "# model-training\n\n![coverage](https://img.shields.io/badge/Coverage-81%25-green)\n"
        "![mlts](https://img.shields.io/badge/ML%20Test%20Score-3.5-green)\n"
        "![pylint](https://img.shields.io/badge/pylint-9.7-green)\n\nTrains the model.\n"
    ),
    ".github/workflows/quality.yml": COVERAGE_BADGES,
    "pyproject.toml": '[tool.coverage.run]\nsource = ["src"]\n',
    ".pylintrc": "[MASTER]\nload-plugins=lint_rules.randomness\n",
    "lint_rules/__init__.py": "",
    "lint_rules/randomness.py": (
        '"""Flags randomness used without a fixed seed."""\nfrom pylint.checkers import BaseChecker\n\n\n'
        "class UnseededRandomness(BaseChecker):\n"
        '    name = "unseeded-randomness"\n'
        '    msgs = {"W9001": ("random_state not set", "unseeded-randomness", "Set random_state.")}\n\n\n'
        "def register(linter):\n    linter.register_checker(UnseededRandomness(linter))\n"
    ),
    "src/train.py": '"""Train."""\n\n\ndef train(x, y):\n    return sum(x) + sum(y)\n',
    "tests/test_train.py": "from src.train import train\n\n\ndef test_train():\n    assert train([1], [2]) == 3\n",
}
