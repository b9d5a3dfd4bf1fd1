"""Answer scripts and tone rules: the script kind, filling a reply, ``kb lint`` and the helpdesk
export."""
