"""Escalation playbooks: the playbook kind and its checks, the escalation plan and its pages."""
