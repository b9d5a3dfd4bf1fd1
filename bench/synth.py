"""Seeded synthetic knowledge bases for benchmarks and tests.

Command line::

    python bench/synth.py OUT_DIR --articles 1000 --langs ar,fa,ru,sl --seed 1 [--git-commits 20000]

Library::

    from bench.synth import generate_kb
    summary = generate_kb(Path("/tmp/kb"), 1000, seed=1, git_commits=200)

The repository written follows the content contract in ``docs/guide/writing-articles.md``:
plain articles in category folders under ``docs/``, FAQ entries, answer scripts, tone
guidelines, escalation playbooks, shared facts in ``macros/data/``, owners and synonyms,
and translations as ``name.<lang>.md`` with a ``translation:`` block.

Everything is drawn from ``random.Random(seed)``: the same arguments give byte-identical
files and, with ``git_commits``, identical commit ids (author and committer dates come from
a fixed base date, 2025-01-01 08:00 UTC, one step per commit). Nothing depends on the clock
or on the machine. The history is written as a single pack file (see ``_PackWriter``), so
20,000 commits take seconds, not the minutes thousands of ``git commit`` calls would.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import posixpath
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

__all__ = ["generate_kb", "anchor_of", "KINDS"]

KINDS = ("article", "faq", "script", "playbook", "tone")
DEFAULT_LANGUAGES = ("ar", "fa", "ru", "sl")
KIND_SHARES = {"article": 0.60, "faq": 0.20, "script": 0.10, "playbook": 0.05}  # tone: the rest
REVIEW_FIRST = date(2025, 1, 1)
REVIEW_LAST = date(2026, 11, 20)
COMMIT_BASE = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
COMMIT_LAST = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
BROKEN_SHARE = 0.01
ANCHOR_SHARE = 0.10

# --------------------------------------------------------------------------------------
# Shared facts, settings, synonyms: fixed text with the structure of the real example KB.
# --------------------------------------------------------------------------------------

SUPPORT_YML = """\
# Support hours and service levels. Used by pages ({{ support.hours_text }}),
# by playbooks (SLA per priority) and by `kb escalate` (business hours vs after hours).
company: Brightloop
email: help@brightloop.example
phone: "+386 1 555 0142"
timezone: Europe/Ljubljana
hours:                     # business hours, local time in `timezone`
  days: [mon, tue, wed, thu, fri]
  open: "08:00"
  close: "20:00"
hours_text: Monday to Friday, 08:00-20:00 Central European Time
sla:                       # first response and resolution targets per priority
  P1: {name: Critical, first_response: 30m, resolution: 4h}
  P2: {name: High, first_response: 2h, resolution: 1d}
  P3: {name: Normal, first_response: 8h, resolution: 3d}
  P4: {name: Low, first_response: 24h, resolution: 5d}
after_hours_required: [P1, P2]   # priorities whose playbooks must define an after-hours path
"""

PRODUCTS_YML = """\
# Product names as customers see them. Use {{ products.invoices }} rather than typing the name.
invoices: Brightloop Invoices
pay: Brightloop Pay
mobile: Brightloop Mobile
payroll: Brightloop Payroll
plans:
  starter: {name: Starter, price_eur: 9}
  business: {name: Business, price_eur: 29}
  scale: {name: Scale, price_eur: 79}
refund_window_days: 30
"""

CONTACTS_YML = """\
# Escalation contacts (internal: never shown on the public site).
# Playbook tiers name these keys in `contact:`.
tier1:
  name: Tier 1 support agent on shift
  channel: "#support-floor"
  hours: business
tier2-billing:
  name: Tier 2 billing specialists
  channel: "#billing-escalations"
  email: billing-t2@brightloop.example
  hours: business
tier2-accounts:
  name: Tier 2 account specialists
  channel: "#account-escalations"
  email: accounts-t2@brightloop.example
  hours: business
payroll-specialists:
  name: Payroll specialists
  channel: "#payroll-escalations"
  email: payroll-t2@brightloop.example
  hours: business
payments-engineering:
  name: Payments engineering on call
  channel: "#payments-oncall"
  pager: payments-primary
  hours: always
mobile-engineering:
  name: Mobile engineering on call
  channel: "#mobile-oncall"
  pager: mobile-primary
  hours: always
security-oncall:
  name: Security incident responder on call
  channel: "#security-incidents"
  pager: security-primary
  phone: "+386 1 555 0199"
  hours: always
sre-oncall:
  name: Site reliability engineer on call
  channel: "#incident-room"
  pager: sre-primary
  hours: always
duty-manager:
  name: Support duty manager
  phone: "+386 1 555 0177"
  pager: support-duty
  hours: always
trust-team:
  name: Trust and safety team
  channel: "#trust-and-safety"
  email: trust@brightloop.example
  hours: business
"""

MKDOCS_YML = """\
site_name: Brightloop Support (synthetic)
theme:
  name: material
docs_dir: docs
"""

SYNONYM_GROUPS = [
    ["refund", "money back", "chargeback", "reimbursement"],
    ["log in", "login", "sign in", "signin", "cant log in", "locked out"],
    ["charged twice", "double charge", "duplicate payment", "billed twice"],
    ["invoice", "bill", "receipt"],
    ["outage", "down", "not loading", "service unavailable"],
    ["cancel", "cancellation", "close account", "delete account"],
    ["password", "passcode", "credentials"],
    ["payslip", "pay stub", "salary statement", "wage slip"],
    ["two-factor", "2fa", "mfa", "authenticator", "one-time code"],
    ["webhook", "callback", "event notification"],
    ["mobile app", "phone app", "ios app", "android app"],
    ["export", "download", "extract"],
    ["vat number", "tax id", "vat id"],
    ["seat", "license", "user slot"],
    ["workspace", "organisation", "organization", "company account"],
    ["direct debit", "sepa mandate", "bank debit"],
    ["bank feed", "bank sync", "bank connection"],
    ["expense claim", "expense report", "reimbursement request"],
    ["timesheet", "time sheet", "hours log"],
    ["sso", "single sign-on", "saml"],
    ["api key", "token", "access key"],
    ["quote", "estimate", "offer"],
    ["slow", "lag", "timeout", "takes forever"],
    ["declined", "rejected", "failed payment"],
]

MACRO_KEYS = (  # every shared-fact macro the generator writes: all exist in the data above
    "support.hours_text", "support.email", "support.phone", "support.company",
    "support.sla.P1.first_response", "support.sla.P2.first_response",
    "products.invoices", "products.pay", "products.mobile", "products.payroll",
    "products.refund_window_days", "products.plans.business.name",
    "products.plans.business.price_eur", "products.plans.starter.name",
)

# --------------------------------------------------------------------------------------
# Word and phrase banks about a fictional invoicing / payments / payroll SaaS company.
# --------------------------------------------------------------------------------------

# name | preferred team | tags | subfolder=object, ... | objects
CATEGORY_TEXT = """\
billing|billing-support|billing,invoices|refunds=refund request,disputes=payment dispute,credit-notes=credit note,dunning=dunning email|invoice,credit note,billing address,payment method,billing cycle,proration charge,late fee,billing contact,tax invoice,pro forma invoice
payments|billing-support|payments,cards|cards=saved card,direct-debit=direct debit mandate,payouts=payout,currencies=currency conversion|card payment,bank transfer,direct debit mandate,payment link,payout,payment receipt,partial payment,currency conversion,payment reminder,saved card
accounts|support-leads|account,login,password|login=login attempt,two-factor=two-factor code,single-sign-on=SSO connection,recovery=recovery request|user profile,account email,password,sign-in session,workspace,login attempt,recovery request,verification email,username,account owner
subscriptions|billing-support|plans,pricing|plans=plan upgrade,trials=trial period,cancellations=cancellation request|subscription,plan upgrade,plan downgrade,trial period,renewal date,seat license,add-on,discount code,annual plan,cancellation request
payroll|payroll-support|payroll,payslips|payslips=payslip,pensions=pension contribution,year-end=year-end summary|payroll run,payslip,pay period,employee record,pension contribution,salary advance,bonus payment,payroll calendar,tax code,holiday allowance
taxes|billing-support|tax,vat|vat=VAT number,filings=tax filing|VAT number,tax rate,tax report,reverse charge invoice,exemption certificate,withholding amount,sales tax region,tax filing
expenses|payroll-support|expenses,approvals|receipts=receipt photo,mileage=mileage entry|expense claim,receipt photo,mileage entry,per diem rate,card transaction,expense policy,reimbursement batch,approval chain
timesheets|payroll-support|timesheets|overtime=overtime rule,leave=leave request|timesheet,time entry,overtime rule,shift pattern,leave request,clock-in record,project code
mobile|mobile-support|mobile,ios,android|ios=iPhone app update,android=Android app update,offline=offline draft|mobile app,push notification,offline draft,app update,biometric login,paired device,camera scan,home screen widget
integrations|integrations-support|integrations|accounting=accounting export,crm=contact sync,ecommerce=order import|integration,connected app,sync job,field mapping,OAuth connection,accounting export,contact sync,marketplace app
api|integrations-support|api,webhooks|webhooks=webhook endpoint,authentication=access token,rate-limits=rate limit|API key,access token,rate limit,webhook endpoint,API request,sandbox workspace,idempotency key,pagination cursor
security|trust-and-safety|security|alerts=security alert,devices=trusted device|two-factor code,security alert,trusted device,login notification,suspicious sign-in,recovery code,IP allowlist,session timeout
privacy|trust-and-safety|privacy,gdpr|gdpr=data export request,retention=retention period|data export request,deletion request,consent record,cookie banner,processing agreement,retention period,personal data report
reporting|support-leads|reports|dashboards=dashboard widget,scheduled-reports=scheduled report|report,dashboard widget,scheduled report,revenue chart,aging report,custom filter,saved view,CSV export
exports||export,data||CSV export,PDF export,bulk download,export template,ledger export,archive file
data-import||import,data|templates=import template,mappings=column mapping|CSV import,import template,duplicate record,column mapping,opening balance,contact list
notifications||notifications,email|email=email notification,sms=SMS alert|email notification,reminder email,SMS alert,digest email,notification rule,in-app banner
permissions|trust-and-safety|permissions,roles,admin|roles=user role,invitations=admin invitation|user role,permission set,team member,guest user,approval limit,admin invitation
banking|billing-support|banking,bank-feeds|bank-feeds=bank feed,statements=bank statement|bank feed,bank connection,bank statement,bank rule,bank account,transaction match
reconciliation|billing-support|reconciliation||reconciliation,unmatched transaction,suspense entry,matching rule,cleared payment,reconciliation report
customer-portal||portal,customers|branding=branded domain|customer portal,portal invitation,portal login,payment page,branded domain,portal message
quotes||quotes||quote,estimate,purchase order,quote approval,quote template,accepted quote
projects||projects||project,project budget,billable hour,project invoice,milestone,project report
email-delivery||email|domains=sender domain,bounces=bounced email|outgoing email,bounced email,sender domain,email template,delivery log,spam report
performance|support-leads|performance,outage||slow page,loading spinner,timeout error,large report,browser cache,sync delay
outages|support-leads|outage,incident||service incident,status page update,degraded service,maintenance window,incident report,partial outage
compliance|trust-and-safety|compliance,audit|e-invoicing=e-invoicing format,audit=audit log|audit log,compliance report,e-invoicing format,signed document,retention rule,certification
approvals||approvals,workflows||approval workflow,approval request,approver,approval rule,escalation step,delegated approval
contracts||contracts||contract,renewal notice,signed contract,contract amendment,order form,termination notice
getting-started|support-leads|getting-started||setup wizard,company profile,first invoice,sample company,welcome email,setup checklist
browser-support||browser,accessibility||browser extension,supported browser,cookie setting,pop-up blocker,screen reader,zoom level
desktop-app|mobile-support|desktop||desktop app,auto update,offline mode,local cache,installer,print queue
languages|localization|localization||language setting,date format,number format,translated invoice,currency symbol,time zone
inventory||inventory|warehouses=warehouse|stock item,stock level,warehouse,stock adjustment,product variant,reorder point
partners||partners|resellers=reseller discount|partner account,referral link,reseller discount,partner payout,client workspace,partner dashboard
marketplace|integrations-support|marketplace,integrations||app listing,app review,marketplace install,app permission,listing update
"""

GENERIC_TAGS = ["how-to", "troubleshooting", "customers", "agents", "known-issue", "settings",
                "admin", "limits", "faq", "workaround"]

PROBLEMS = [
    "is missing", "shows the wrong amount", "does not load", "failed without an error",
    "is stuck in pending", "was sent twice", "was declined", "has expired", "is out of sync",
    "cannot be downloaded", "shows an error message", "went to the wrong address",
    "is duplicated", "is delayed", "disappeared after an update", "shows an old date",
    "keeps asking for verification", "is greyed out", "was created by mistake",
    "does not match the bank statement", "shows the wrong currency", "is blocked",
    "will not save", "times out", "looks blank", "was rejected",
    "is not visible to other users", "has the wrong time zone", "shows a warning banner",
    "cannot be deleted", "is slow to update", "was changed by someone else",
]

ACTS = ["update", "check", "find", "export", "correct", "review", "change", "set up", "delete",
        "restore", "share", "download", "edit", "create", "archive", "resend", "verify",
        "track", "print", "duplicate", "cancel", "rename", "approve", "move", "reopen", "lock",
        "merge", "filter", "schedule", "import"]
_ING = {"set up": "setting up", "cancel": "cancelling", "lock": "locking", "verify": "verifying"}

ROLES = ["account owner", "workspace admin", "billing contact", "accountant", "payroll manager",
         "team lead", "finance manager", "bookkeeper", "employee", "external accountant",
         "approver", "HR manager", "office manager", "sales manager", "developer"]
PLACES = ["Settings > Billing", "Settings > Security", "Settings > Users", "the Payroll dashboard",
          "the Reports tab", "Admin > Workspace", "the customer portal", "the mobile app menu",
          "Integrations > Connected apps", "the billing console", "the Activity log",
          "Settings > Notifications", "the Invoices list", "the Expenses tab", "the Banking page",
          "Settings > Company profile", "the Developer settings page", "the Timesheets view",
          "the Approvals inbox", "the Export centre"]
BUTTONS = ["Save", "Retry payment", "Send again", "Export", "Reconnect", "Verify", "Download PDF",
           "Approve", "Archive", "Restore", "Refund", "Apply credit", "Sync now",
           "Generate report", "Unlock user", "Resend invite", "Mark as paid", "Void", "Duplicate",
           "Confirm"]
CAUSES = [
    "an expired card on file", "a browser extension that blocks pop-ups",
    "a time zone mismatch between the workspace and the user profile",
    "a pending bank verification", "an outdated version of the mobile app",
    "a duplicate customer record", "a webhook that returned an error",
    "a rounding rule on multi-currency invoices", "a permission that an admin removed",
    "a cached session in the browser", "an approval rule that was never completed",
    "a bank holiday in the payment country", "a mismatched billing address",
    "a sync job that was paused", "an import file with the wrong date format",
    "a spam filter on the customer's mail server", "two-factor authentication on a lost phone",
    "a plan limit that was reached", "a cancelled direct debit mandate",
    "a field mapping that points to an archived account",
    "a payroll calendar that skips the current period",
    "an API key that was rotated without updating the integration",
    "a scheduled maintenance window", "a tax rate that changed in the middle of a period",
]
CHECKS = ["the activity log", "the status page", "the customer's plan and seat count",
          "the payment history", "the audit log", "whether two-factor authentication is enabled",
          "the date of the last successful sync", "the email delivery log",
          "the bank connection status", "the user's role", "the invoice status and due date",
          "the browser and app version", "the import summary", "the webhook delivery attempts",
          "the approval history", "the workspace time zone"]
TIMES = ["within a few minutes", "within 24 hours", "on the next business day",
         "within three to five business days", "by the end of the day", "after the next sync",
         "straight away", "within an hour", "at the start of the next billing cycle",
         "overnight"]
INTERVALS = ["15 minutes", "hour", "night", "business day", "week", "30 minutes"]
DEVICES = ["iPhone", "Android phone", "tablet", "laptop", "shared office computer", "work phone"]
EVENTS = ["a plan change", "the last update", "a password reset", "a bank holiday",
          "the data migration", "the month-end close", "a card replacement", "the trial ends",
          "a team member leaves", "the year-end close", "a currency change", "an ownership transfer"]
OUTCOMES = ["the status changes to Paid", "the warning banner disappears", "the totals match",
            "the customer receives a confirmation email", "the sync shows a green tick",
            "the report refreshes", "the user can sign in again", "the payslips are released",
            "the balance is updated", "the record moves to the archive"]
TEAMS_TXT = ["the billing team", "Tier 2", "payments engineering", "the security team",
             "the payroll specialists", "the duty manager", "the integrations team",
             "the mobile team", "customer success"]
PLANS = ["Starter", "Business", "Scale"]
SECRETS = ["full card numbers", "passwords", "recovery codes", "API keys", "bank login details",
           "one-time codes"]
ADVS = ["usually", "often", "in most cases", "sometimes", "almost always", "rarely"]
JARGON = ["idempotency", "ledger drift", "webhook retry", "proration", "dunning", "SLA breach",
          "backfill", "rate limiting", "soft decline", "settlement batch"]
PRODUCT_PHRASES = ["the web app", "the mobile app", "the invoicing app", "the payroll module",
                   "the payments module", "the admin console", "the customer portal",
                   "the desktop app"]
PRODUCT_MACROS = ["{{ products.invoices }}", "{{ products.pay }}", "{{ products.mobile }}",
                  "{{ products.payroll }}"]
NUMS = ["2", "3", "5", "10", "20", "25", "50", "100", "200", "500"]

# Sentence templates. Slots are {name}; shared-fact macros ({{ x.y }}) pass through untouched.
INTRO_PUBLIC = [
    "This article explains how to {act} {a_obj} and what to do when {the_obj} {prob}.",
    "If your {obj} {prob}, you are not alone: it is one of the questions we hear most often.",
    "You can {act} {a_obj} at any time from {place}, as long as you are the {role} or a workspace admin.",
    "{Objs} in {product} follow a few simple rules, and knowing them saves a lot of back and forth.",
    "Here is what happens to {a_obj} after {event}, and how to make sure nothing is lost.",
    "Most questions about {objs} come down to who can {act} them and when the change takes effect.",
    "The {feat} helps you keep {objs} tidy without extra work at the end of the month.",
]
INTRO_INTERNAL = [
    "Use this article when a customer reports that their {obj} {prob}.",
    "This page collects what the support team knows about {objs} and the {feat}.",
    "Tickets about {objs} {adv} reach Tier 1 first, and most of them can be solved without an escalation.",
    "Agents see this issue most often after {event}, when {the_obj} {prob}.",
    "Read this before you {act} {a_obj} on behalf of a customer.",
    "The {feat} is the part of {product} that handles {objs}, and it explains most tickets in this area.",
]
EXPLAIN = [
    "The most common cause is {cause}.",
    "When {the_obj} {prob}, check {check} first.",
    "The {feat} checks {objs} every {interval} and updates the status on its own.",
    "{A_role} can {act} {objs2}, but only the account owner can {act2} {a_obj}.",
    "Changes to {objs} reach {partner} {time}.",
    "{Adv}, the problem goes away once {outcome}.",
    "{Objs} created before {event} keep their original settings.",
    "The limit is {num} {objs} per workspace on the {plan} plan.",
    "If {a_obj2} is linked, {the_obj} follows its settings rather than the workspace defaults.",
    "The {feat} shows a yellow warning when it detects {cause}.",
    "Nothing is deleted when you {act} {a_obj}; the previous version stays in {place}.",
    "About {pct} percent of these cases turn out to be caused by {cause}.",
    "Each {obj} has an owner, a status and a history of every change.",
    "{Objs} are grouped by {obj2}, so a change to one {obj2} can affect several of them.",
    "The {feat} keeps a copy of each {obj} for {num} days.",
    "Exports include every {obj} with its status, amount and the date of the last change.",
    "On {a_device}, the same option sits under the menu in the top corner.",
    "This behaviour is the same on every plan, including {plan}.",
    "{Acting} {a_obj} does not change {objs2} that were already sent.",
    "The {feat} and the {feat2} share the same settings, so check both.",
    "Customers who use {partner} see the change only after the next sync.",
    "If {the_obj} {prob2}, the cause is {adv} {cause}.",
    "{A_role} gets an email whenever {a_obj} {prob2}.",
]
AGENT = [
    "Before you reply, confirm the customer's identity with the checklist in the agent console.",
    "Never ask the customer for {secret} over chat or email.",
    "Tag the ticket with {tag} so the weekly report picks it up.",
    "If {the_obj} {prob} for more than one customer, tell {team} in the incident channel.",
    "Escalate to {team} when the customer has already tried these steps twice.",
    "Add a private note with {check} before you hand the ticket over.",
    "Do not promise a date; say that {team} is looking into it and that we will update the customer {time}.",
    "Link the ticket to the problem record so that {team} can see how many customers are affected.",
    "If the customer is on the {plan} plan, check whether they have a dedicated account manager.",
    "Copy the error code, for example {code}, into the ticket so engineering can search the logs.",
    "Agents cannot {act} {a_obj} for the customer; only {a_role} can.",
]
CUSTOMER = [
    "You do not need to contact us to {act} {a_obj}; you can do it yourself in {place}.",
    "If you still need help, reply to the email you received and we will pick it up.",
    "We will never ask you for {secret} by email or chat.",
    "Your {obj} stays available while we look into it.",
    "Most changes are visible {time}.",
    "If you are not the {role}, ask them to {act} {the_obj} for you.",
    "You can undo the change within {num} days.",
    "You will find every {obj} in {place}, sorted by date.",
]
MACRO_PUBLIC = [
    "Our support team is available {{ support.hours_text }}.",
    "You can also write to {{ support.email }} or call {{ support.phone }}.",
    "Refunds are possible within {{ products.refund_window_days }} days of payment.",
    "This works the same way in {{ products.invoices }} and {{ products.pay }}.",
    "The {{ products.plans.business.name }} plan costs EUR {{ products.plans.business.price_eur }} a month and includes {objs}.",
    "On the {{ products.plans.starter.name }} plan the number of {objs} is limited.",
    "In {{ products.mobile }}, the same option is under the main menu.",
    "Payroll customers use {{ products.payroll }}, where {objs} are handled per pay period.",
    "{{ support.company }} never changes {objs} without telling the account owner first.",
]
MACRO_INTERNAL = [
    "P1 tickets need a first response within {{ support.sla.P1.first_response }}, P2 tickets within {{ support.sla.P2.first_response }}.",
    "Outside {{ support.hours_text }}, only P1 and P2 issues go to the on-call team.",
]
LINK_SENTENCES = [
    "See [{t}]({u}) for the details.",
    "For background, read [{t}]({u}).",
    "This is closely related to [{t}]({u}).",
    "If that does not help, follow [{t}]({u}).",
    "The steps are the same as in [{t}]({u}).",
    "More about this in [{t}]({u}).",
]
SCRIPT_LINK_SENTENCES = [
    "You can read more in our guide [{t}]({u}).",
    "There is a short explanation in [{t}]({u}).",
    "If you want the details, [{t}]({u}) walks through every step.",
]
STEPS = [
    "Open {place}.",
    "Select the {obj} you want to {act}.",
    "Click **{button}**.",
    "Check that {outcome}.",
    "Sign out and sign in again.",
    "Wait {time} and refresh the page.",
    "Compare the result with {check}.",
    "Open the {feat} and select **{button}**.",
    "Enter the new details and confirm with **{button}**.",
    "Download the summary as a PDF for your records.",
    "Clear the browser cache or try a private window.",
    "Confirm the change in the email we send to the {role}.",
    "Filter the list by {obj2} and sort by date.",
]
BULLETS = [
    "{Objs} created before {event}",
    "the {role} of the workspace",
    "{check}",
    "{cause}",
    "anything linked to the {feat}",
    "the {obj2} settings",
    "{objs2} in a closed period",
    "{a_device} with an old app version",
    "customers who connected {partner}",
    "the {plan} plan limits",
]
PLAYBOOK_STEPS = [
    "Check {check}.",
    "Confirm the scope with {team}.",
    "Post a short update on the status page.",
    "Collect {num} example tickets with account IDs.",
    "Pause the {feat} if {team} agrees.",
    "Send the agreed message to every affected ticket.",
    "Write down when the first ticket about the {obj} arrived.",
    "Ask {team} for the next update time.",
    "Link every new ticket to the incident.",
]
TONE_BULLETS = [
    "Say {plain} instead of {jargon}",
    "Name the next step and when it happens",
    "Keep one idea per sentence",
    "Call {objs} what customers call them",
    "Never blame the bank or the customer",
    "End with one clear question, not three",
    "Use the active voice: we refunded, not it was refunded",
    "Thank the customer for details they gave, once",
]
PLAIN_WORDS = ["a second try", "the payment run", "a short delay", "the amount we owe you",
               "the money you paid", "the date we take the payment", "your bank"]
LIST_INTROS = ["Check these first:", "This applies to:", "You will need:", "Common causes:",
               "Keep an eye on:", "It affects:"]
PLAYBOOK_SENTENCES = [
    "This playbook covers incidents where {the_obj} {prob} for many customers at once.",
    "Customers usually notice first: {the_obj} {prob} and tickets arrive within minutes.",
    "The first goal is to confirm the scope: one customer, one region or everyone.",
    "Keep the incident channel updated every {interval}, even when there is no news.",
    "{Team} owns the technical fix; support owns the customer communication.",
    "Post a status page update once more than {num} tickets mention the same symptom.",
    "Do not close tickets in bulk before {team} confirms the fix.",
    "Write down the time the first ticket arrived; the timeline matters in the review.",
    "If the {feat} is involved, ask {team} whether a rollback is possible.",
]
TONE_SENTENCES = [
    "Write the way you would speak to a customer you respect: short sentences, plain words.",
    "Start with what the customer can do now, then explain why.",
    "Apologise once, clearly, and then move to the fix.",
    "Avoid jargon such as {jargon}; say what it means instead.",
    "When a customer is worried about money, never joke and never guess.",
    "Use the customer's name once at the start, not in every paragraph.",
    "Say we for the company and I for what you will do yourself.",
    "Prefer you can to you must.",
    "Read the reply out loud before you send it.",
    "On chat, split long answers into two or three short messages.",
    "On the phone, confirm the next step and the time you will call back.",
    "If {the_obj} {prob}, acknowledge the impact before you explain the cause.",
    "{A_role} reading about {objs} wants the answer in the first sentence.",
]

ARTICLE_HEADINGS = ["Before you start", "How {objs} work", "Check the {obj} status",
                    "Steps to {act} {a_obj}", "Why this happens", "If the problem persists",
                    "What to tell the customer", "Known limitations", "For workspace admins",
                    "On the mobile app", "Common causes", "Related settings", "Using the {feat}",
                    "Examples", "Good to know", "When the {obj} {prob}", "Permissions you need",
                    "Timing and limits", "Fixing {a_obj2}", "{Objs2} and {objs}"]
FAQ_HEADINGS = ["Short answer", "Step by step", "Still need help", "Before you contact us",
                "What you need", "Why this happens", "If you use the mobile app",
                "Things to check first", "Fees and timing", "Who can do this",
                "What happens next", "If the {obj} {prob}"]
PLAYBOOK_HEADINGS = ["Context", "What customers notice", "First checks", "Diagnosis",
                     "Customer communication", "Handover notes", "After the incident",
                     "Known causes", "Decision points", "Scope and impact"]
TONE_HEADINGS = ["Principles", "Words we use", "Words we avoid", "Examples",
                 "When the customer is upset", "Chat and email differences", "Apologies",
                 "Checklist before you send", "Talking about {objs}", "Phone calls"]
BROKEN_ANCHORS = ["overview", "legacy-settings", "old-steps", "troubleshooting-2019",
                  "details-removed", "appendix"]

ARTICLE_TITLES = ["{Obj} {prob}", "Troubleshooting {a_obj} that {prob}", "Understanding {objs}",
                  "{Acting} {objs}", "{Acting} {objs} in the {feat}", "{Obj} settings explained",
                  "Set up {objs} for {roles}", "How {objs} work with {partner}",
                  "{Objs} and the {feat}", "{Obj} limits and known issues",
                  "Moving {objs} between workspaces", "{Acting} {a_obj} after {event}",
                  "What agents should know about {objs}", "{Objs} on the {plan} plan",
                  "Why the {obj} {prob}", "{Obj} checklist for {roles}"]
FAQ_TITLES = ["How do I {act} {a_obj}?", "What should I do if my {obj} {prob}?",
              "Can I {act} {a_obj} after {event}?", "How long does it take to {act} {a_obj}?",
              "Where can I find my {objs}?", "Is there a fee to {act} {a_obj}?",
              "Who can {act} {objs} in my workspace?", "Can I {act} {objs} from my {device}?",
              "Does the {plan} plan include {objs}?", "What happens to my {objs} after {event}?",
              "How do I {act} {objs} in the {feat}?", "Why can't I {act} my {obj}?",
              "Can {roles} {act} {objs}?"]
TONE_TITLES = ["Tone for {situation} conversations", "Writing to {roles} about {objs}",
               "Apologising when the {obj} {prob}", "Plain language for {objs}",
               "Chat etiquette for {objs}", "Phone manner after {event}",
               "Calm replies when the {obj} {prob}", "Formal replies to {roles}",
               "Tone checklist for {objs}"]

SITUATIONS = ["refund", "billing", "payment-failed", "account-access", "outage", "security",
              "cancellation", "general"]
CHANNELS = ["email", "email", "email", "chat", "chat", "phone"]
TONES = ["warm", "calm", "formal", "conversational"]

SCRIPT_TITLES = {
    "refund": ["Refund approved for {a_obj}", "Refund declined: {obj} outside the window",
               "Partial refund on {a_obj}", "Refund delayed for {a_obj}"],
    "billing": ["Explaining a charge on {a_obj}", "Corrected {obj} on its way",
                "Why the {obj} changed", "Billing question about {objs}"],
    "payment-failed": ["Card declined for {a_obj}", "Failed payment on {a_obj}: next steps",
                       "Payment retry scheduled for {a_obj}"],
    "account-access": ["Locked out after {a_obj} change", "Reset link for {a_obj}",
                       "Cannot sign in to {objs}"],
    "outage": ["Outage update: {objs} delayed", "Incident resolved: {objs} back to normal",
               "Known issue with {objs}"],
    "security": ["Suspicious sign-in and {objs}", "Security check before changing {a_obj}",
                 "We secured your {obj}"],
    "cancellation": ["Cancellation confirmed for {a_obj}", "Before you cancel {a_obj}",
                     "Cancellation and your {objs}"],
    "general": ["Thanks for the feedback on {objs}", "Need more details about {a_obj}",
                "Feature request: {objs}", "Follow-up on {a_obj}"],
}
SCRIPT_USE_WHEN = {
    "refund": "The customer asked for a refund on {a_obj} and the billing console shows the decision.",
    "billing": "The customer does not understand a charge related to {a_obj}.",
    "payment-failed": "A payment for {a_obj} failed and the customer asked what to do next.",
    "account-access": "The customer cannot get into the account after {event}.",
    "outage": "A known incident affects {objs} and the customer asked for an update.",
    "security": "The customer reports activity on {a_obj} they do not recognise.",
    "cancellation": "The customer wants to cancel and asked what happens to their {objs}.",
    "general": "The customer wrote about {objs} and the question does not fit another script.",
}
# situation -> [(name, description, fallback or None, sentence using it)]
SCRIPT_PLACEHOLDERS = {
    "refund": [
        ("amount", "Refunded amount with currency, for example EUR 29.00", None,
         "Your refund of {{ amount }} is on its way."),
        ("invoice_number", "Invoice number, for example INV-2031", None,
         "The refund relates to invoice {{ invoice_number }}."),
        ("refund_date", "When the money arrives", "within five business days",
         "You should see the money back {{ refund_date }}."),
    ],
    "billing": [
        ("invoice_number", "Invoice number, for example INV-2031", None,
         "I have looked at invoice {{ invoice_number }} in detail."),
        ("amount", "Amount in question with currency", None,
         "The charge of {{ amount }} covers the full billing period."),
        ("plan_name", "The customer's plan", "your plan",
         "This is how {{ plan_name }} is billed."),
    ],
    "payment-failed": [
        ("card_last4", "Last four digits of the card", None,
         "The card ending in {{ card_last4 }} was declined by the bank."),
        ("retry_date", "When we retry the payment", "in three days",
         "We will try the payment again {{ retry_date }}."),
        ("amount", "Amount due with currency", None,
         "The open amount is {{ amount }}."),
    ],
    "account-access": [
        ("account_email", "The email address on the account", None,
         "I have sent a new sign-in link to {{ account_email }}."),
        ("reset_link", "A fresh password reset link", None,
         "You can set a new password here: {{ reset_link }}."),
    ],
    "outage": [
        ("incident_url", "Link to the incident on the status page", "our status page",
         "You can follow the progress on {{ incident_url }}."),
        ("next_update", "When we will post the next update", "within the hour",
         "We will send the next update {{ next_update }}."),
    ],
    "security": [
        ("account_email", "The email address on the account", None,
         "We have signed out every session for {{ account_email }}."),
        ("incident_reference", "Reference of the security case", None,
         "Please quote {{ incident_reference }} if you write to us about this."),
    ],
    "cancellation": [
        ("plan_name", "The plan being cancelled", "your plan",
         "Your cancellation of {{ plan_name }} is confirmed."),
        ("end_date", "Last day of access", None,
         "You keep full access until {{ end_date }}."),
    ],
    "general": [
        ("ticket_id", "Ticket number", "your request",
         "I have added your notes to {{ ticket_id }}."),
        ("topic", "What the customer asked about", "your question",
         "Thank you for writing to us about {{ topic }}."),
    ],
}
SCRIPT_SENTENCES = [
    "I understand how frustrating it is when {the_obj} {prob}.",
    "I have checked {check} and everything now looks as it should.",
    "There is nothing else you need to do on your side.",
    "If anything still looks wrong, just reply to this message and I will take another look.",
    "You can see the change in {place} {time}.",
    "I have also added a note to your account so that my colleagues have the full picture.",
    "Thank you for your patience while we sorted this out.",
    "Our team checked every {obj} on your account to make sure nothing else was affected.",
    "If you are not the {role}, please forward this message to them.",
]
GREETINGS = {
    "email": {"warm": "Hi {{ customer_name }},", "calm": "Hello {{ customer_name }},",
              "formal": "Dear {{ customer_name }},", "conversational": "Hey {{ customer_name }},"},
    "chat": {"warm": "Hi {{ customer_name }}, thanks for waiting!",
             "calm": "Hello {{ customer_name }}, thank you for your patience.",
             "formal": "Good day {{ customer_name }}, thank you for contacting us.",
             "conversational": "Hey {{ customer_name }}, thanks for hanging on!"},
    "phone": {"warm": "Thank you for calling, {{ customer_name }}.",
              "calm": "Thank you for calling, {{ customer_name }}, I am here to help.",
              "formal": "Good day {{ customer_name }}, thank you for calling.",
              "conversational": "Thanks for calling, {{ customer_name }}!"},
}
SIGNOFFS = {"warm": "Best wishes,", "calm": "Kind regards,", "formal": "Yours sincerely,",
            "conversational": "Cheers,"}

# playbook themes: title, matching script situations, tier contacts, after-hours contact
PLAYBOOK_THEMES = [
    ("Payment processing outage affecting {objs}", ["payment-failed", "outage"],
     ["tier1", "tier2-billing", "payments-engineering"], "payments-engineering"),
    ("Duplicate charges after {a_obj} renewal", ["billing", "refund"],
     ["tier1", "tier2-billing", "payments-engineering"], "duty-manager"),
    ("Payroll run failed before payday for {objs}", ["general", "outage"],
     ["tier1", "payroll-specialists", "sre-oncall"], "duty-manager"),
    ("Suspected account takeover through {a_obj}", ["security", "account-access"],
     ["tier1", "security-oncall", "trust-team"], "security-oncall"),
    ("Customer reports exposed {objs}", ["security"],
     ["tier1", "security-oncall", "duty-manager"], "security-oncall"),
    ("Mobile app crash while opening {objs}", ["outage", "general"],
     ["tier1", "mobile-engineering", "sre-oncall"], "mobile-engineering"),
    ("Integration sync stopped for {objs}", ["outage", "general"],
     ["tier1", "tier2-accounts", "sre-oncall"], "sre-oncall"),
    ("Mass email bounce for {objs}", ["outage", "general"],
     ["tier1", "sre-oncall", "duty-manager"], "sre-oncall"),
    ("Bank feed outage hiding {objs}", ["outage", "payment-failed"],
     ["tier1", "tier2-billing", "payments-engineering"], "payments-engineering"),
    ("Chargeback spike on {objs}", ["refund", "billing"],
     ["tier1", "tier2-billing", "trust-team"], "duty-manager"),
    ("VIP customer escalation about {objs}", ["general", "billing"],
     ["tier1", "duty-manager"], "duty-manager"),
    ("Legal threat in a ticket about {objs}", ["general", "cancellation"],
     ["tier1", "duty-manager", "trust-team"], "duty-manager"),
    ("Refund above the approval limit for {a_obj}", ["refund"],
     ["tier1", "tier2-billing", "duty-manager"], "duty-manager"),
    ("Admins locked out of {objs}", ["account-access", "security"],
     ["tier1", "tier2-accounts", "security-oncall"], "security-oncall"),
    ("Slow pages and timeouts in {objs}", ["outage"],
     ["tier1", "sre-oncall", "duty-manager"], "sre-oncall"),
]
WITHIN = {"P1": ["10m", "15m", "30m"], "P2": ["30m", "1h", "2h"], "P3": ["2h", "4h", "8h"],
          "P4": ["8h", "1d", "2d"]}
TIER_DO = [
    "Confirm the scope, collect {num} example tickets and open an incident in the agreed channel.",
    "Check {check} and compare it with the last known good state.",
    "Decide whether the {feat} needs to be paused and tell the duty manager.",
    "Reproduce the problem on a test workspace and attach the result to the incident.",
    "Agree on the customer message with the duty manager and send it to every affected ticket.",
    "Apply the fix or the rollback and confirm that {outcome}.",
]
HANDOVER = ["ticket links", "customer account IDs", "error codes and screenshots",
            "time the problem started", "affected plan and region", "steps already tried",
            "payment references", "browser and app versions"]
TRIGGERS = [
    "More than {num} tickets in an hour mention that the {obj} {prob}",
    "The status page shows degraded {objs}",
    "A customer reports that the {obj} {prob} and cannot work",
    "Monitoring alert {codeplain} fires for the {feat}",
    "{A_role} reports {objs} they did not create",
    "Social media posts mention {objs} not working",
]
AFTER_HOURS_HOW = [
    "Page the on-call engineer through the paging tool and post the ticket link in the incident channel.",
    "Call the duty phone, then page the on-call contact if nobody answers within five minutes.",
    "Open an incident in the paging tool with the ticket link and the number of affected customers.",
]
CLOSE_WHEN = [
    "The fix is confirmed by the on-call engineer and no new tickets arrived for {interval_n}.",
    "Every affected customer has received the resolution message.",
    "The status page shows the incident as resolved and the backlog is cleared.",
]
DEESCALATE_WHEN = [
    "Fewer than {num} customers are affected and a workaround is published.",
    "The cause is understood and the fix can wait for business hours.",
    "Only one workspace is affected and the account manager is informed.",
]

FIRST_NAMES = ["maya", "tomas", "leila", "ivan", "nina", "oskar", "ana", "bojan", "chiara",
               "dario", "elif", "farid", "greta", "hana", "igor", "jana", "kemal", "lara",
               "marko", "noor", "olga", "petra", "rafael", "sara", "tariq", "una", "vesna",
               "yusuf", "zoe", "amir", "bea", "cyrus", "dina", "emil", "fatima", "goran", "ines",
               "jonas", "katja", "luka", "mina", "nadia", "omar", "pia", "reza", "sofia", "tea",
               "urban", "vera", "ziva"]
LAST_NAMES = ["Okafor", "Novak", "Karimi", "Sokolov", "Kovac", "Lind", "Horvat", "Rossi",
              "Yilmaz", "Haddad", "Berg", "Petrov", "Zupan", "Moreau", "Tanaka", "Silva",
              "Jensen", "Rahimi", "Kranjc", "Volkova", "Ahmadi", "Fischer", "Costa", "Nazari",
              "Mlakar", "Larsen", "Hosseini", "Popescu", "Meyer", "Vidmar"]
TEAM_BANK = [("support-leads", "Support leads"), ("billing-support", "Billing support"),
             ("localization", "Localization"), ("trust-and-safety", "Trust and safety"),
             ("payroll-support", "Payroll support"), ("mobile-support", "Mobile support"),
             ("integrations-support", "Integrations support"),
             ("customer-success", "Customer success")]

_ONSETS = ["b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "k", "kr", "l", "m", "n",
           "p", "pr", "qu", "r", "s", "st", "t", "tr", "v", "z", "sh", "th", "j", "w"]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "io", "y", "ou"]
_CODAS = ["", "", "", "n", "r", "l", "x", "s", "m", "th", "nd", "rk", "v"]
FEATURE_NOUNS = ["Sync", "Connector", "Rules", "Ledger", "Board", "Flow", "Hub", "Check", "View",
                 "Bridge", "Sheet", "Queue", "Vault", "Relay", "Scanner", "Planner", "Engine",
                 "Monitor", "Assistant", "Inbox"]
PARTNER_NOUNS = ["Books", "CRM", "Pay", "HR", "Shop", "Ledger", "Cloud", "Desk", "Bank", "Stock"]

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)\}")
_VOWEL_LETTERS = set("AEFHILMNORSX")  # acronym letters said with a vowel sound


def anchor_of(heading: str) -> str:
    """The anchor of a heading: lowercased, non-alphanumerics removed except spaces and
    hyphens, spaces to hyphens (headings here never produce doubled separators, so this is
    also what Python-Markdown's toc makes)."""
    text = re.sub(r"[^a-z0-9 -]", "", heading.lower()).strip()
    return text.replace(" ", "-")


def slugify(text: str, max_len: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "page"


def plural(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    if last.isupper():
        word = last + "s"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "o", "u"):
        word = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def article_for(phrase: str) -> str:
    first = phrase.split(" ", 1)[0]
    if first.isupper() or (len(first) > 1 and first[1:].isupper()) or first == "OAuth":
        vowel = first[0] in _VOWEL_LETTERS
    elif first.startswith(("us", "uni", "eu")):
        vowel = False
    else:
        vowel = first[0].lower() in "aeiou"
    return ("an " if vowel else "a ") + phrase


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def ing(verb: str) -> str:
    if verb in _ING:
        return _ING[verb]
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + "ing"


def yaml_str(text: str) -> str:
    """A YAML scalar for ``text``: plain when unambiguous, else double-quoted (JSON is valid
    YAML for strings)."""
    if (re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.()'/?-]*", text) and ": " not in text
            and not text.endswith((":", "?")) and text.lower() not in
            {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}):
        return text
    return json.dumps(text, ensure_ascii=False)


def _pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < count:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS)
                       for _ in range(rng.choice((2, 2, 3))))
        if 4 <= len(word) <= 11 and word not in taken:
            taken.add(word)
            out.append(word.capitalize())
    return out


def _find_content_hash():
    """``kbtools.content.model.content_hash`` when importable (it hashes a body), else None."""
    for attempt in range(2):
        try:
            from kbtools.content.model import content_hash  # type: ignore[import-not-found]
            return content_hash
        except Exception:  # noqa: BLE001 - any failure means "not available"
            if attempt:
                return None
            root = str(Path(__file__).resolve().parent.parent)
            if root in sys.path:
                return None
            sys.path.append(root)
    return None


# --------------------------------------------------------------------------------------
# Pseudo translation: a deterministic per-language dictionary in that language's script.
# --------------------------------------------------------------------------------------

_AR_CONS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
_AR_VOW = "اوي"
_FA_CONS = "بپتثجچحخدذرزژسشصطعغفقکگلمنوهی"
_FA_VOW = "اویی"
_RU_CONS = "бвгджзклмнпрстфхцчшщ"
_RU_VOW = "аеиоуыэюя"
_SL_CONS = "bcčdfghjklmnprsštvzžčšž"
_SL_VOW = "aeiou"
ZWNJ = "\u200c"

_PROTECT = re.compile(r"(^```.*?^```|\{\{.*?\}\}|`[^`\n]*`|\]\([^)]*\)|^!!! \w+)", re.S | re.M)
_WORDS = re.compile(r"([A-Za-z][A-Za-z']*(?:-[A-Za-z]+)*)")


class _Translator:
    def __init__(self, lang: str, keep: set[str]) -> None:
        self.lang = lang
        self.keep = keep
        self.cache = _WordCache(self)
        self.lower: dict[str, str] = {}
        self.used: set[str] = set(w.lower() for w in keep)
        self.cased = lang in ("ru", "sl")

    def _make(self, word: str, salt: int) -> str:
        r = random.Random(zlib.crc32(f"{self.lang}:{word}:{salt}".encode()))
        n = len(word)
        lang = self.lang
        if lang in ("ar", "fa"):
            cons, vow = (_AR_CONS, _AR_VOW) if lang == "ar" else (_FA_CONS, _FA_VOW)
            target = max(2, round(n * 0.8))
            out = []
            while len(out) < target:
                out.append(r.choice(cons))
                if r.random() < 0.45:
                    out.append(r.choice(vow))
            text = "".join(out)
            if lang == "ar":
                if n > 4 and r.random() < 0.25:
                    text = "ال" + text
                if r.random() < 0.12:
                    text += "ة"
            else:
                x = r.random()
                if x < 0.12:
                    text = "می" + ZWNJ + text
                elif x < 0.22:
                    text = text + ZWNJ + "ها"
                elif x < 0.3:
                    text += "ی"
            return text
        cons, vow = (_RU_CONS, _RU_VOW) if lang == "ru" else (_SL_CONS, _SL_VOW)
        syllables = max(1, round(n / 2.6) + r.choice((-1, 0, 0, 1)))
        text = "".join(r.choice(cons) + r.choice(vow) for _ in range(syllables))
        if r.random() < 0.4:
            text += r.choice(cons)
        if lang == "ru" and r.random() < 0.15:
            text += r.choice(("ь", "й", "ов", "ия"))
        return text

    def word(self, token: str) -> str:
        if token in self.keep or (len(token) > 1 and token.isupper()):
            out = token
        else:
            low = token.lower()
            out = self.lower.get(low)
            if out is None:
                salt = 0
                out = self._make(low, salt)
                while out in self.used:
                    salt += 1
                    out = self._make(low, salt)
                self.used.add(out)
                self.lower[low] = out
            if self.cased and token[0].isupper():
                out = out[0].upper() + out[1:]
        return out

    def text(self, text: str) -> str:
        """Translate every word of ``text``; code, macros, link targets and admonition
        types are kept as they are. Splitting in C and mapping through the cache keeps this
        fast: it is most of the generation time."""
        pieces = _PROTECT.split(text)          # odd items are protected spans
        cache = self.cache
        for i in range(0, len(pieces), 2):
            if pieces[i]:
                parts = _WORDS.split(pieces[i])  # odd items are words
                parts[1::2] = map(cache.__getitem__, parts[1::2])
                pieces[i] = "".join(parts)
        return "".join(pieces)

    body = text


class _WordCache(dict):
    """token -> translated token, filled on first use."""

    def __init__(self, translator: _Translator) -> None:
        super().__init__()
        self.translator = translator

    def __missing__(self, token: str) -> str:
        out = self[token] = self.translator.word(token)
        return out


# --------------------------------------------------------------------------------------
# The model of the generated KB
# --------------------------------------------------------------------------------------


@dataclass
class _Category:
    path: str          # e.g. "billing" or "billing/refunds"
    top: str
    objects: list[str]
    tags: list[str]
    team: str | None
    features: list[str] = field(default_factory=list)


@dataclass
class _Topic:
    """What a page is about; feeds every slot of the sentence templates."""

    cat: _Category
    obj: str
    prob: str
    feat: str
    public: bool
    macros: bool
    situation: str = "general"


@dataclass
class _Doc:
    kind: str
    path: str
    title: str
    topic: _Topic
    audience: str
    owner: str = ""
    headings: list[str] = field(default_factory=list)
    h1: bool = False
    links: list[tuple[str, str | None, str | None, str]] = field(default_factory=list)
    # (target path, anchor or None, broken reason or None, link text)
    fm: list[str] = field(default_factory=list)   # kind-specific front matter lines
    text: str = ""
    body: str = ""
    translated: bool = False
    script_refs: list[str] = field(default_factory=list)  # playbooks: script paths in messages
    extra: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return posixpath.basename(self.path)[:-3]

    @property
    def anchors(self) -> list[str]:
        return [anchor_of(h) for h in self.headings]


def _translation_path(path: str, lang: str) -> str:
    return f"{path[:-3]}.{lang}.md"


class _Generator:
    def __init__(self, articles: int, languages, seed: int, public_share: float,
                 translate_share: float, links: bool) -> None:
        if articles < 0:
            raise ValueError("articles must be >= 0")
        self.n = articles
        self.languages = tuple(languages)
        for lang in self.languages:
            if lang not in ("ar", "fa", "ru", "sl"):
                raise ValueError(f"unsupported language {lang!r} (ar, fa, ru or sl)")
        self.seed = seed
        self.public_share = public_share
        self.translate_share = translate_share
        self.with_links = links
        self.rng = random.Random(seed)
        self.titles: set[str] = set()          # casefolded
        self.reserved: set[str] = set()        # every path ever used or promised broken
        self.docs: list[_Doc] = []
        self.by_path: dict[str, _Doc] = {}
        self.files: dict[str, str] = {}
        self.broken: list[dict] = []
        self.link_count = 0
        self.hash_fn = _find_content_hash()
        self.dispatch = self._make_dispatch()
        self.seen: set[str] = set()

    # -- slots -------------------------------------------------------------------------
    def _make_dispatch(self):
        r = self.rng
        ch = r.choice

        def product(t: _Topic) -> str:
            if t.macros and r.random() < 0.3:
                return ch(PRODUCT_MACROS)
            return ch(PRODUCT_PHRASES)

        def act2(t):
            return ch(ACTS)

        def feat2(t):
            for _ in range(4):
                f = ch(t.cat.features)
                if f != t.feat:
                    return f
            return f

        return {
            "obj": lambda t: t.obj, "objs": lambda t: plural(t.obj),
            "a_obj": lambda t: article_for(t.obj), "the_obj": lambda t: "the " + t.obj,
            "Obj": lambda t: cap(t.obj), "Objs": lambda t: cap(plural(t.obj)),
            "A_obj": lambda t: cap(article_for(t.obj)),
            "obj2": lambda t: ch(t.cat.objects), "objs2": lambda t: plural(ch(t.cat.objects)),
            "Objs2": lambda t: cap(plural(ch(t.cat.objects))),
            "a_obj2": lambda t: article_for(ch(t.cat.objects)),
            "prob": lambda t: t.prob, "prob2": lambda t: ch(PROBLEMS),
            "feat": lambda t: t.feat, "feat2": feat2,
            "partner": lambda t: ch(self.partners), "place": lambda t: ch(PLACES),
            "button": lambda t: ch(BUTTONS), "role": lambda t: ch(ROLES),
            "roles": lambda t: plural(ch(ROLES)), "cause": lambda t: ch(CAUSES),
            "a_role": lambda t: article_for(ch(ROLES)),
            "A_role": lambda t: cap(article_for(ch(ROLES))),
            "a_device": lambda t: article_for(ch(DEVICES)),
            "plain": lambda t: ch(PLAIN_WORDS),
            "check": lambda t: ch(CHECKS), "time": lambda t: ch(TIMES),
            "interval": lambda t: ch(INTERVALS), "act": lambda t: ch(ACTS), "act2": act2,
            "acting": lambda t: ing(ch(ACTS)), "Acting": lambda t: cap(ing(ch(ACTS))),
            "device": lambda t: ch(DEVICES), "event": lambda t: ch(EVENTS),
            "outcome": lambda t: ch(OUTCOMES), "team": lambda t: ch(TEAMS_TXT),
            "Team": lambda t: cap(ch(TEAMS_TXT)), "plan": lambda t: ch(PLANS),
            "product": product, "Product": lambda t: cap(product(t)),
            "secret": lambda t: ch(SECRETS), "adv": lambda t: ch(ADVS),
            "Adv": lambda t: cap(ch(ADVS)), "num": lambda t: ch(NUMS),
            "pct": lambda t: str(r.randrange(10, 95, 5)),
            "code": lambda t: f"`BL-{r.randint(1000, 9999)}`",
            "codeplain": lambda t: f"BL-{r.randint(1000, 9999)}",
            "tag": lambda t: f"`{slugify(t.obj)}-{ch(('issue', 'question', 'bug', 'request'))}`",
            "jargon": lambda t: ch(JARGON),
            "situation": lambda t: t.situation.replace("-", " "),
            "interval_n": lambda t: ch(("30 minutes", "two hours", "one hour", "a full day")),
        }

    def fill(self, template: str, topic: _Topic) -> str:
        d = self.dispatch
        return _SLOT.sub(lambda m: d[m.group(1)](topic), template)

    def sentence(self, group: list[str], topic: _Topic) -> str:
        """A sentence from ``group``, avoiding repeats within the page being written."""
        seen = self.seen
        for _ in range(5):
            s = cap(self.fill(self.rng.choice(group), topic))
            if s not in seen:
                break
        seen.add(s)
        return s

    # -- plan ----------------------------------------------------------------------------
    def build(self) -> dict[str, str]:
        self._people_and_teams()
        self._categories()
        self._plan_docs()
        if self.with_links:
            self._choose_links()
        self._render_all()
        self._translations()
        self._data_files()
        return self.files

    def _people_and_teams(self) -> None:
        r = self.rng
        n_teams = r.randint(4, 6)
        teams = TEAM_BANK[:3] + r.sample(TEAM_BANK[3:], n_teams - 3)
        n_people = r.randint(max(10, 2 * n_teams), 30)
        handles = r.sample(FIRST_NAMES, n_people)
        members: dict[str, list[str]] = {t: [] for t, _ in teams}
        team_of = {}
        for i, handle in enumerate(handles):
            team = teams[i % n_teams][0] if i < 2 * n_teams else r.choice(teams)[0]
            members[team].append(handle)
            team_of[handle] = team
        fallbacks = {t: m[0] for t, m in members.items()}
        candidates = [h for h in handles if h not in fallbacks.values()]
        inactive = set(r.sample(candidates, 2))
        names = {h: f"{h.capitalize()} {r.choice(LAST_NAMES)}" for h in handles}
        lines = ["# Who owns what (synthetic). Every `owner:` in an article is a handle declared",
                 "# here; people who left are `active: false` and fall back to their team.",
                 "people:"]
        for h in handles:
            lines += [f"  {h}:", f"    name: {names[h]}", f"    team: {team_of[h]}"]
            if h in inactive:
                lines.append("    active: false")
        lines.append("teams:")
        for t, label in teams:
            lines += [f"  {t}:", f"    name: {label}", f"    fallback: {fallbacks[t]}"]
        self.owners_yml = "\n".join(lines) + "\n"
        self.people = handles
        self.person_names = names
        self.active = [h for h in handles if h not in inactive]
        self.inactive = sorted(inactive)
        self.teams = [t for t, _ in teams]
        self.members = members
        self.team_of = team_of

    def _categories(self) -> None:
        r = self.rng
        specs = []
        for line in CATEGORY_TEXT.strip().splitlines():
            name, team, tags, subs, objects = line.split("|")
            sub_pairs = [tuple(s.split("=")) for s in subs.split(",") if s]
            specs.append((name, team or None, tags.split(","), sub_pairs, objects.split(",")))
        n_cat = max(20, min(60, round(self.n / 40)))
        n_top = min(len(specs), max(14, round(n_cat * 0.7)))
        tops = r.sample(specs, n_top)
        subs = [(top, pair) for top in tops for pair in top[3]]
        r.shuffle(subs)
        subs = subs[: n_cat - n_top]
        rest = [s for s in specs if s not in tops]
        while len(tops) + len(subs) < n_cat and rest:
            tops.append(rest.pop(r.randrange(len(rest))))
        taken: set[str] = set()
        self.partners = [f"{w} {r.choice(PARTNER_NOUNS)}" for w in _pseudo_words(r, 120, taken)]
        self.keep = {w.split(" ")[0] for w in self.partners}
        cats = []
        for name, team, tags, _, objects in tops:
            cats.append(_Category(name, name, list(objects), list(tags), team))
        for (name, team, tags, _, objects), (sub, obj) in subs:
            cats.append(_Category(f"{name}/{sub}", name, [obj, obj, obj] + list(objects),
                                  list(tags) + [sub], team))
        cats.sort(key=lambda c: c.path)
        for cat in cats:
            words = _pseudo_words(r, r.randint(20, 40), taken)
            self.keep.update(words)
            cat.features = [f"{w} {r.choice(FEATURE_NOUNS)}" for w in words]
            if cat.team not in self.teams:
                cat.team = r.choice(self.teams)
        self.keep.update({"Brightloop", "iOS", "Android", "OAuth", "EUR", "iPhone"})
        self.categories = cats

    def _topic(self, cat: _Category, public: bool, situation: str = "general") -> _Topic:
        r = self.rng
        return _Topic(cat, r.choice(cat.objects), r.choice(PROBLEMS), r.choice(cat.features),
                      public, r.random() < 0.35, situation)

    def _unique_title(self, templates: list[str], topic: _Topic, suffix: str = "") -> str:
        for attempt in range(60):
            if attempt and attempt % 15 == 0:   # a new angle on the same category
                topic.obj = self.rng.choice(topic.cat.objects)
                topic.prob = self.rng.choice(PROBLEMS)
            title = cap(self.fill(self.rng.choice(templates), topic)) + suffix
            if title.casefold() not in self.titles:
                break
        else:
            base, n = title, 2
            while title.casefold() in self.titles:
                title = f"{base} ({self.rng.choice(topic.cat.features)})" if n == 2 \
                    else f"{base} {n}"
                n += 1
        self.titles.add(title.casefold())
        return title

    def _unique_path(self, folder: str, title: str) -> str:
        stem = slugify(title)
        path, n = f"{folder}/{stem}.md", 2
        while path in self.reserved:
            path = f"{folder}/{stem}-{n}.md"
            n += 1
        self.reserved.add(path)
        return path

    def _owner(self, team: str | None) -> str:
        r = self.rng
        team = team if team in self.members else r.choice(self.teams)
        if r.random() < 0.12:
            return team
        return r.choice(self.members[team])

    def _plan_docs(self) -> None:
        r = self.rng
        n = self.n
        counts = {k: round(n * s) for k, s in KIND_SHARES.items()}
        counts["tone"] = n - sum(counts.values())
        if counts["tone"] < 0:  # rounding on tiny sizes
            counts["article"] += counts["tone"]
            counts["tone"] = 0
        if counts["playbook"] and not counts["script"] and counts["article"] > 1:
            counts["script"], counts["article"] = 1, counts["article"] - 1
        self.counts_planned = counts
        cats = self.categories
        weights = [1 / (i + 1) ** 0.7 for i in range(len(cats))]
        r.shuffle(weights)
        art_cats = [cats[i % len(cats)] for i in range(min(counts["article"], len(cats)))]
        art_cats += r.choices(cats, weights, k=counts["article"] - len(art_cats))
        n_pub_pool = counts["article"] + counts["faq"]
        public_idx = set(r.sample(range(n_pub_pool), round(self.public_share * n_pub_pool)))
        plan: list[tuple[str, _Category, bool]] = []
        for i, cat in enumerate(art_cats):
            plan.append(("article", cat, i in public_idx))
        for j in range(counts["faq"]):
            plan.append(("faq", r.choice(cats), counts["article"] + j in public_idx))
        for kind in ("script", "tone", "playbook"):
            plan += [(kind, r.choice(cats), False) for _ in range(counts[kind])]
        for kind, cat, public in plan:
            self._plan_doc(kind, cat, public)
        # translations: every faq and every public article, times translate_share
        eligible = [d for d in self.docs
                    if d.kind == "faq" or (d.kind == "article" and d.audience == "public")]
        if self.languages:
            for d in r.sample(eligible, round(self.translate_share * len(eligible))):
                d.translated = True

    def _plan_doc(self, kind: str, cat: _Category, public: bool) -> None:
        r = self.rng
        situation = r.choice(SITUATIONS)
        topic = self._topic(cat, public, situation)
        suffix = ""
        theme = None
        if kind == "article":
            title = self._unique_title(ARTICLE_TITLES, topic)
            folder, heads = f"docs/{cat.path}", ARTICLE_HEADINGS
        elif kind == "faq":
            title = self._unique_title(FAQ_TITLES, topic)
            folder, heads = "docs/faq", FAQ_HEADINGS
        elif kind == "script":
            channel = r.choice(CHANNELS)
            suffix = "" if channel == "email" else f" ({channel})"
            title = self._unique_title(SCRIPT_TITLES[situation], topic, suffix)
            folder, heads = "docs/scripts", []
        elif kind == "tone":
            title = self._unique_title(TONE_TITLES, topic)
            folder, heads = "docs/tone", TONE_HEADINGS
        else:
            theme = r.choice(PLAYBOOK_THEMES)
            title = self._unique_title([theme[0]], topic)
            folder, heads = "playbooks", PLAYBOOK_HEADINGS
        doc = _Doc(kind, self._unique_path(folder, title), title, topic,
                   "public" if public else "internal")
        if kind == "script":
            doc.extra["channel"] = channel
        if theme:
            doc.extra["theme"] = theme
        doc.extra["words"] = r.randint(180, 585) if kind != "script" else r.randint(170, 340)
        if heads:
            n_sec = r.randint(1, min(4, max(1, doc.extra["words"] // 110)))
            chosen = r.sample(heads, min(n_sec, len(heads)))
            seen = set()
            for h in chosen:
                text = cap(self.fill(h, topic))
                if anchor_of(text) not in seen:
                    seen.add(anchor_of(text))
                    doc.headings.append(text)
            doc.h1 = kind != "faq" and r.random() < 0.4
        team = cat.team
        if kind in ("tone", "playbook"):
            team = "support-leads"
        doc.owner = self._owner(team)
        self.docs.append(doc)
        self.by_path[doc.path] = doc

    # -- links ---------------------------------------------------------------------------
    def _choose_links(self) -> None:
        r = self.rng
        docs_all = [d for d in self.docs if d.path.startswith("docs/")]
        public = [d for d in docs_all if d.audience == "public"]
        faqs = [d for d in docs_all if d.kind == "faq"]
        pub_faqs = [d for d in faqs if d.audience == "public"] or faqs
        everything = self.docs
        by_cat_all: dict[str, list[_Doc]] = defaultdict(list)
        by_cat_pub: dict[str, list[_Doc]] = defaultdict(list)
        for d in docs_all:
            by_cat_all[d.topic.cat.path].append(d)
            if d.audience == "public":
                by_cat_pub[d.topic.cat.path].append(d)
        slots: list[tuple[_Doc, int]] = []
        for d in self.docs:
            if d.kind == "script":
                pool, local = pub_faqs, []
            elif d.kind == "playbook":
                pool, local = everything, by_cat_all[d.topic.cat.path]
            elif d.audience == "public":
                pool, local = public, by_cat_pub[d.topic.cat.path]
            else:
                pool, local = docs_all, by_cat_all[d.topic.cat.path]
            want = r.randint(1, 2 if d.kind == "script" else 4)
            targets: list[_Doc] = []
            tries = 0
            while len(targets) < want and tries < want * 6 and pool:
                tries += 1
                src = local if local and r.random() < 0.5 else pool
                t = r.choice(src)
                if t is d or t in targets:
                    continue
                targets.append(t)
            for t in targets:
                anchor = r.choice(t.anchors) if t.headings and r.random() < ANCHOR_SHARE else None
                d.links.append((t.path, anchor, None, t.title))
                slots.append((d, len(d.links) - 1))
        self.link_count = len(slots)
        if not slots:
            return
        k = max(1, round(BROKEN_SHARE * len(slots)))
        for i, (d, j) in enumerate(r.sample(slots, k)):
            target, anchor, _, text = d.links[j]
            tdoc = self.by_path[target]
            if i % 2 == 0:
                d.links[j] = (self._broken_path(target), anchor, "missing-file", text)
            else:
                bad = next(a for a in BROKEN_ANCHORS if a not in tdoc.anchors)
                d.links[j] = (target, bad, "missing-anchor", text)

    def _broken_path(self, target: str) -> str:
        folder, name = posixpath.split(target)
        stem = name[:-3]
        r = self.rng
        for _ in range(20):
            i = r.randrange(1, len(stem))
            cand = stem[:i] + stem[i + 1:] if r.random() < 0.5 else \
                stem[:i - 1] + stem[i] + stem[i - 1] + stem[i + 1:]
            path = f"{folder}/{cand.strip('-')}.md"
            if path not in self.reserved and cand.strip("-"):
                break
        else:
            path = f"{folder}/{stem}-old-draft.md"
        self.reserved.add(path)
        return path

    @staticmethod
    def _rel(src: str, target: str, anchor: str | None) -> str:
        rel = posixpath.relpath(target, posixpath.dirname(src))
        return rel + ("#" + anchor if anchor else "")

    # -- bodies --------------------------------------------------------------------------
    def _render_all(self) -> None:
        scripts_by_sit: dict[str, list[_Doc]] = defaultdict(list)
        for d in self.docs:
            if d.kind == "script":
                scripts_by_sit[d.topic.situation].append(d)
        self.scripts_by_sit = scripts_by_sit
        self.all_scripts = [d for d in self.docs if d.kind == "script"]
        for d in self.docs:
            self.seen = set()
            if d.kind == "script":
                body = self._script_body(d)
            else:
                body = self._prose_body(d)
            d.body = body
            d.text = "---\n" + self._front_matter(d) + "---\n" + body
            self.files[d.path] = d.text

    def _common_fm(self, d: _Doc) -> list[str]:
        r = self.rng
        reviewed = REVIEW_FIRST + timedelta(days=r.randint(0, (REVIEW_LAST - REVIEW_FIRST).days))
        d.extra["reviewed"] = reviewed
        lines = [f"title: {yaml_str(d.title)}", f"audience: {d.audience}", f"owner: {d.owner}",
                 f"reviewed: {reviewed.isoformat()}"]
        if r.random() < 0.3:
            lines.append(f"reviewed_by: {r.choice(self.active)}")
        if r.random() < 0.2:
            lines.append(f"review_every: {r.choice(('90d', '180d', '6w', '12w', '6m', '3m'))}")
        tags = list(dict.fromkeys(d.topic.cat.tags + [r.choice(GENERIC_TAGS)]))
        if d.kind == "script":
            tags = [d.topic.situation] + tags
        elif d.kind == "playbook":
            tags = ["escalation"] + tags
        elif d.kind == "tone":
            tags = ["tone"] + tags
        n_tags = r.randint(1, 3)
        chosen = tags[:1] + r.sample(tags[1:], min(n_tags - 1, len(tags) - 1))
        d.extra["tags"] = chosen
        lines.append(f"tags: [{', '.join(chosen)}]")
        return lines

    def _front_matter(self, d: _Doc) -> str:
        lines = self._common_fm(d) + d.fm
        return "\n".join(lines) + "\n"

    def _links_sentences(self, d: _Doc, templates: list[str]) -> list[str]:
        out = []
        for target, anchor, _, title in d.links:
            rel = self._rel(d.path, target, anchor)
            out.append(self.rng.choice(templates).replace("{t}", title).replace("{u}", rel))
        return out

    def _prose_body(self, d: _Doc) -> str:
        r = self.rng
        t = d.topic
        internal = d.audience == "internal"
        if d.kind == "playbook":
            self._playbook_fm(d)
        if d.kind == "tone":
            groups = [TONE_SENTENCES, TONE_SENTENCES, EXPLAIN]
            intro = TONE_SENTENCES
        elif d.kind == "playbook":
            groups = [PLAYBOOK_SENTENCES, PLAYBOOK_SENTENCES, AGENT, EXPLAIN]
            intro = PLAYBOOK_SENTENCES
        elif internal:
            groups = [EXPLAIN, EXPLAIN, AGENT]
            intro = INTRO_INTERNAL
        else:
            groups = [EXPLAIN, EXPLAIN, CUSTOMER]
            intro = INTRO_PUBLIC
        extras = self._links_sentences(d, LINK_SENTENCES)
        if t.macros:
            macro_pool = MACRO_PUBLIC + (MACRO_INTERNAL if internal else [])
            extras += [self.fill(m, t) for m in r.sample(macro_pool, r.randint(1, 2))]
        # word budget: the page lands between 150 and 600 words (headings and lists included)
        remaining = d.extra["words"] - sum(len(x.split()) for x in extras)
        blocks: list[list] = []
        if d.h1:
            blocks.append(["h", 1, d.title])
            remaining -= len(d.title.split()) + 1
        code_left = r.random() < {"article": 0.3, "faq": 0.1, "playbook": 0.2}.get(d.kind, 0)
        adm_left = r.random() < 0.3
        paras: list[list] = []
        sections = [None] + d.headings
        for i, heading in enumerate(sections):
            budget = remaining // (len(sections) - i)
            used = 0
            if heading:
                blocks.append(["h", 2, heading])
                used += len(heading.split()) + 1
            first = self.sentence(intro if heading is None else r.choice(groups), t)
            para = ["p", [first]]
            used += len(first.split())
            blocks.append(para)
            paras.append(para)
            x = r.random()
            items: list[str] = []
            if x < 0.35 and heading and d.kind != "tone":
                steps = PLAYBOOK_STEPS if d.kind == "playbook" else STEPS
                items = list(dict.fromkeys(
                    self.fill(r.choice(steps), t) for _ in range(r.randint(3, 6))))
                block = ["ol", items]
            elif x < 0.6 and heading:
                bank = TONE_BULLETS if d.kind == "tone" else BULLETS
                items = list(dict.fromkeys(
                    cap(self.fill(r.choice(bank), t)) for _ in range(r.randint(2, 5))))
                block = ["ul", items]
            if items:
                n = sum(len(it.split()) + 1 for it in items)
                if used + n + 4 <= budget:
                    if block[0] == "ul":
                        blocks.append(["p", [r.choice(LIST_INTROS)]])
                        n += 3
                    blocks.append(block)
                    used += n
            if code_left and heading:
                code = self._code_block(t)
                n = len(code[2].split()) + 1
                if used + n <= budget:
                    blocks.append(code)
                    used += n
                    code_left = False
            if adm_left and heading and r.random() < 0.5:
                adm = self._admonition(t, internal, groups)
                n = sum(len(x.split()) for x in adm[3]) + 3
                if used + n <= budget:
                    blocks.append(adm)
                    used += n
                    adm_left = False
            group = r.choice(groups)
            while True:
                sentence = self.sentence(group if r.random() < 0.75 else r.choice(groups), t)
                n = len(sentence.split())
                if used + n > budget:
                    break
                if len(para[1]) >= r.randint(3, 6):
                    para = ["p", []]
                    blocks.append(para)
                    paras.append(para)
                para[1].append(sentence)
                used += n
            remaining -= used
        for sentence in extras:
            r.choice(paras)[1].append(sentence)
        return "\n" + _render_blocks(blocks)

    def _code_block(self, t: _Topic) -> list:
        r = self.rng
        endpoint = slugify(plural(t.obj))
        hexid = f"{r.getrandbits(32):08x}"
        kind = r.randrange(5)
        if kind == 0:
            return ["code", "text", f"Error BL-{r.randint(1000, 9999)}: {cap(t.obj)} could not be "
                    f"processed ({r.choice(CAUSES)}). Request ID: {hexid}"]
        if kind == 1:
            return ["code", "bash",
                    f'curl -s "https://api.brightloop.example/v2/{endpoint}?limit={r.choice(NUMS)}" \\\n'
                    '  -H "Authorization: Bearer $BRIGHTLOOP_API_KEY"']
        if kind == 2:
            ev = endpoint.replace("-", "_")
            return ["code", "json",
                    "{\n"
                    f'  "event": "{ev}.updated",\n'
                    f'  "id": "{ev[:3]}_{hexid}",\n'
                    f'  "status": "{r.choice(("pending", "failed", "paid", "active", "archived"))}",\n'
                    f'  "created_at": "2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T09:{r.randint(10, 59)}:00Z"\n'
                    "}"]
        if kind == 3:
            return ["code", "text", f"{r.choice(PLACES)} > {t.feat} > {r.choice(BUTTONS)}"]
        rows = "\n".join(f"2026-0{r.randint(1, 9)}-{r.randint(10, 28)},{endpoint[:3]}-{r.randint(100, 999)},"
                         f"{r.randint(5, 900)}.00,EUR" for _ in range(r.randint(2, 4)))
        return ["code", "csv", f"date,{endpoint.replace('-', '_')},amount,currency\n{rows}"]

    def _admonition(self, t: _Topic, internal: bool, groups) -> list:
        r = self.rng
        kind = r.choice(("note", "tip", "warning", "info"))
        titles = ["Good to know", "Before you change anything", "Heads up", "Remember"]
        if internal:
            titles.append("Internal only")
        title = r.choice(titles) if r.random() < 0.5 else None
        sents = [self.sentence(r.choice(groups), t) for _ in range(r.randint(1, 2))]
        return ["adm", kind, title, sents]

    # -- scripts and playbooks -------------------------------------------------------------
    def _script_body(self, d: _Doc) -> str:
        r = self.rng
        t = d.topic
        sit = t.situation
        channel = d.extra["channel"]
        tone = r.choice(TONES)
        options = SCRIPT_PLACEHOLDERS[sit]
        chosen = r.sample(options, r.randint(1, len(options)))
        with_agent = r.random() < 0.5
        fm = [f"channel: {channel}", f"situation: {sit}", f"tone: {tone}",
              f"use_when: {yaml_str(cap(self.fill(SCRIPT_USE_WHEN[sit], t)))}", "placeholders:",
              '  customer_name: {description: "Customer\'s first name", fallback: there}']
        for name, desc, fallback, _ in chosen:
            entry = f"description: {json.dumps(desc)}"
            if fallback is not None:
                entry += f", fallback: {json.dumps(fallback)}"
            fm.append(f"  {name}: {{{entry}}}")
        if with_agent:
            fm.append('  agent_name: {description: "Your first name", fallback: "the support team"}')
        d.fm = fm
        extras = self._links_sentences(d, SCRIPT_LINK_SENTENCES)
        if t.macros:
            extras.append(r.choice(["Our team is here for you {{ support.hours_text }}.",
                                    "You can always reach us at {{ support.email }}.",
                                    "Refunds are possible within {{ products.refund_window_days }} days of payment."]))
        own = [s for _, _, _, s in chosen]
        greeting = GREETINGS[channel][tone]
        target = d.extra["words"]
        words = len(greeting.split()) + sum(len(s.split()) for s in own + extras) + 6
        paras: list[list[str]] = [[own[0]]]
        for s in own[1:]:
            if r.random() < 0.5:
                paras.append([])
            paras[-1].append(s)
        blocks: list[list] = [["p", [greeting]]]
        fillers: list[list[str]] = []
        while words < target - 12:
            s = self.sentence(SCRIPT_SENTENCES if r.random() < 0.6 else
                              (EXPLAIN if not t.public else CUSTOMER), t)
            words += len(s.split())
            if words > target:
                break
            if not fillers or len(fillers[-1]) >= r.randint(2, 4):
                fillers.append([])
            fillers[-1].append(s)
        all_paras = paras + fillers
        r.shuffle(all_paras)
        for s in extras:
            r.choice(all_paras).append(s)
        for p in all_paras:
            blocks.append(["p", p])
        if r.random() < 0.3 and channel != "phone":
            items = [self.fill(r.choice(STEPS), t) for _ in range(3)]
            if words + len(" ".join(items).split()) + 5 <= 350:
                blocks.insert(2, ["p", ["Here is what you can do in the meantime:"]])
                blocks.insert(3, ["ol", items])
        sign = SIGNOFFS[tone]
        name = "{{ agent_name }}" if with_agent else "The support team"
        blocks.append(["raw", f"{sign}\n{name}"])
        d.topic = t
        return _render_blocks(blocks)

    def _playbook_fm(self, d: _Doc) -> None:
        r = self.rng
        t = d.topic
        title_t, situations, chain, after = d.extra["theme"]
        priority = r.choices(("P1", "P2", "P3", "P4"), (15, 30, 35, 20))[0]
        n_tiers = r.randint(1, len(chain))
        fm = [f"priority: {priority}", "triggers:"]
        for trig in r.sample(TRIGGERS, r.randint(2, 4)):
            fm.append(f"  - {yaml_str(self.fill(trig, t))}")
        fm.append("tiers:")
        refs = []
        for i, contact in enumerate(chain[:n_tiers]):
            within = WITHIN[priority][min(i, 2)]
            fm += [f"  - contact: {contact}", f"    within: {within}",
                   f"    do: {yaml_str(self.fill(r.choice(TIER_DO), t))}",
                   f"    handover: [{', '.join(r.sample(HANDOVER, r.randint(1, 3)))}]"]
            script = self._pick_script(situations)
            if script:
                fm.append(f"    message: {script.stem}")
                refs.append(script.path)
        if priority in ("P1", "P2") or r.random() < 0.15:
            fm += ["after_hours:", f"  contact: {after}", f"  within: {WITHIN[priority][0]}",
                   f"  how: {yaml_str(r.choice(AFTER_HOURS_HOW))}"]
            script = self._pick_script(situations)
            if script:
                fm.append(f"  message: {script.stem}")
                refs.append(script.path)
        fm.append(f"close_when: {yaml_str(self.fill(r.choice(CLOSE_WHEN), t))}")
        fm.append(f"deescalate_when: {yaml_str(self.fill(r.choice(DEESCALATE_WHEN), t))}")
        d.fm = fm
        d.script_refs = refs
        d.extra["priority"] = priority

    def _pick_script(self, situations: list[str]) -> _Doc | None:
        pool = [s for sit in situations for s in self.scripts_by_sit.get(sit, [])]
        pool = pool or self.all_scripts
        return self.rng.choice(pool) if pool else None

    # -- translations ---------------------------------------------------------------------
    def _translations(self) -> None:
        r = self.rng
        self.translators = {lang: _Translator(lang, self.keep) for lang in self.languages}
        loc = [h for h in self.members.get("localization", []) if h in self.active]
        self.translation_paths: dict[str, list[str]] = {lang: [] for lang in self.languages}
        for d in self.docs:
            if not d.translated:
                continue
            digest = self.hash_fn(d.body, (("title", d.title),)) if self.hash_fn else "unknown"
            for lang in self.languages:
                tr = self.translators[lang]
                reviewed = min(REVIEW_LAST, d.extra["reviewed"] + timedelta(days=r.randint(0, 60)))
                owner = r.choice(loc) if loc and r.random() < 0.7 else d.owner
                machine = "true" if r.random() < 0.25 else "false"
                fm = [f"title: {json.dumps(tr.text(d.title), ensure_ascii=False)}",
                      f"owner: {owner}", f"reviewed: {reviewed.isoformat()}",
                      f"tags: [{', '.join(d.extra['tags'])}]", "translation:",
                      f"  source_hash: {json.dumps(digest)}", f"  machine: {machine}"]
                path = _translation_path(d.path, lang)
                self.files[path] = "---\n" + "\n".join(fm) + "\n---\n" + tr.body(d.body)
                self.translation_paths[lang].append(path)

    # -- settings and facts ---------------------------------------------------------------
    def _data_files(self) -> None:
        langs = ", ".join(("en",) + self.languages)
        self.files["kb.yml"] = (
            "# Knowledge-base settings read by `kb` (synthetic KB).\n"
            f"languages: [{langs}]      # the first one is the source language\n"
            "owners_file: owners.yml\nsynonyms_file: synonyms.yml\nreview_every:\n"
            "  playbook: 90d\n  script: 120d\n  faq: 180d\n  tone: 365d\n  path: 180d\n"
            "  article: 180d\ndue_soon: 14d\ntranslations:\n  layout: suffix\n"
            "  source_commit_key: translation.source_commit\n")
        self.files["owners.yml"] = self.owners_yml
        groups = list(SYNONYM_GROUPS)
        self.rng.shuffle(groups)
        self.files["synonyms.yml"] = (
            "# Search synonyms: each group is a set of words or phrases an agent may type for the\n"
            "# same thing.\ngroups:\n" + "".join(f"  - [{', '.join(g)}]\n" for g in groups))
        self.files["macros/data/support.yml"] = SUPPORT_YML
        self.files["macros/data/products.yml"] = PRODUCTS_YML
        self.files["macros/data/contacts.yml"] = CONTACTS_YML
        self.files["mkdocs.yml"] = MKDOCS_YML

    # -- bookkeeping for tests, benchmarks and the history ---------------------------------
    def broken_links(self) -> list[dict]:
        out = []
        for d in self.docs:
            for target, anchor, reason, _ in d.links:
                if not reason:
                    continue
                written = self._rel(d.path, target, anchor)
                files = [d.path] + ([_translation_path(d.path, lang) for lang in self.languages]
                                    if d.translated else [])
                for f in files:
                    out.append({"file": f, "target": written, "resolved": target,
                                "anchor": anchor, "reason": reason})
        return out


def _render_blocks(blocks: list[list]) -> str:
    out = []
    for b in blocks:
        k = b[0]
        if k == "h":
            out.append("#" * b[1] + " " + b[2])
        elif k == "p":
            out.append(" ".join(b[1]))
        elif k == "ol":
            out.append("\n".join(f"{i}. {item}" for i, item in enumerate(b[1], 1)))
        elif k == "ul":
            out.append("\n".join(f"- {item}" for item in b[1]))
        elif k == "code":
            out.append(f"```{b[1]}\n{b[2]}\n```")
        elif k == "adm":
            head = f"!!! {b[1]}" + (f' "{b[2]}"' if b[2] else "")
            out.append(head + "\n    " + " ".join(b[3]))
        else:
            out.append(b[1])
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# Git history: simulated edits, renames and deletions, written as one pack
# --------------------------------------------------------------------------------------

_REVIEWED_LINE = re.compile(r"^reviewed: \d{4}-\d{2}-\d{2}$", re.M)
_TITLE_LINE = re.compile(r"^title: .*$", re.M)
_PLAIN_LINE = re.compile(r"[A-Z][^\[\]{}`*|<>#!\n]*\Z")


class _History:
    """Simulates commits on the in-memory files and writes them with :class:`_PackWriter`."""

    def __init__(self, gen: _Generator, rng: random.Random) -> None:
        self.g = gen
        self.r = rng
        self.state = gen.files                  # path -> text, updated in place
        self.sources: list[str] = [d.path for d in gen.docs]
        self.index = {p: i for i, p in enumerate(self.sources)}
        self.meta = {d.path: d for d in gen.docs}
        self.langs: dict[str, list[str]] = {
            d.path: (list(gen.languages) if d.translated else []) for d in gen.docs}
        self.inbound: dict[str, set[str]] = defaultdict(set)
        self.outbound: dict[str, set[str]] = defaultdict(set)
        for d in gen.docs:
            files = [d.path] + [_translation_path(d.path, lang) for lang in self.langs[d.path]]
            for target, _, reason, _ in d.links:
                if reason == "missing-file":
                    continue
                for f in files:
                    self.inbound[target].add(f)
                    self.outbound[f].add(target)
            for s in d.script_refs:
                self.inbound[s].add(d.path)
                self.outbound[d.path].add(s)
        self.broken: dict[str, list[dict]] = defaultdict(list)
        for b in gen.broken_links():
            self.broken[b["file"]].append(b)
        self.renamed = 0
        self.deleted = 0
        self.edits = 0

    # -- operations on the state ---------------------------------------------------------
    def _remove_source(self, path: str) -> None:
        i = self.index.pop(path)
        last = self.sources.pop()
        if last != path:
            self.sources[i] = last
            self.index[last] = i

    def _add_source(self, path: str) -> None:
        self.index[path] = len(self.sources)
        self.sources.append(path)

    def edit(self, path: str, when: date, changes: dict) -> str:
        doc = self.meta[path]
        text = self.state[path]
        r = self.r
        x = r.random()
        topic = _Topic(doc.topic.cat, doc.topic.obj, doc.topic.prob, doc.topic.feat,
                       doc.topic.public, False, doc.topic.situation)
        groups = (EXPLAIN, CUSTOMER if topic.public else AGENT)
        for _ in range(5):
            new = cap(self.g.fill(r.choice(r.choice(groups)), topic))
            if new not in text:
                break
        verb = "Update"
        if x < 0.15:
            text = _REVIEWED_LINE.sub(f"reviewed: {when.isoformat()}", text, count=1)
            verb = "Review"
        else:
            head_end = text.index("\n---\n", 3) + 5
            head, body = text[:head_end], text[head_end:]
            # bodies are blocks separated by blank lines, no blank line inside a block
            blocks = body.split("\n\n")
            pick = None
            if x < 0.6 or doc.kind == "script":
                for _ in range(8):
                    i = r.randrange(len(blocks))
                    if len(blocks[i]) > 40 and _PLAIN_LINE.match(blocks[i]):
                        pick = i
                        break
            if pick is not None:
                parts = re.split(r"(?<=[.!?]) ", blocks[pick])
                parts[r.randrange(len(parts))] = new
                blocks[pick] = " ".join(parts)
                text = head + "\n\n".join(blocks)
                verb = r.choice(("Clarify", "Reword", "Fix wording in"))
            elif doc.kind != "script":
                text = head + body.rstrip("\n") + "\n\n" + new + "\n"
                verb = r.choice(("Expand", "Add a note to", "Update"))
            else:
                text = _REVIEWED_LINE.sub(f"reviewed: {when.isoformat()}", text, count=1)
                verb = "Review"
        self.state[path] = text
        changes[path] = text
        self.edits += 1
        return f"{verb} {doc.title}"

    def rename(self, path: str, changes: dict) -> str:
        g = self.g
        doc = self.meta[path]
        folder = posixpath.dirname(path)
        templates = {"article": ARTICLE_TITLES, "faq": FAQ_TITLES, "tone": TONE_TITLES,
                     "script": SCRIPT_TITLES[doc.topic.situation],
                     "playbook": [doc.extra["theme"][0]] if "theme" in doc.extra else ["{Objs}"]}
        suffix = ""
        if doc.kind == "script" and doc.extra.get("channel", "email") != "email":
            suffix = f" ({doc.extra['channel']})"
        old_title = doc.title
        title = g._unique_title(templates[doc.kind], doc.topic, suffix)
        g.titles.discard(old_title.casefold())
        new_path = g._unique_path(folder, title)
        old_stem, new_stem = posixpath.basename(path)[:-3], posixpath.basename(new_path)[:-3]
        moves = [(path, new_path)] + [(_translation_path(path, lang), _translation_path(new_path, lang))
                                      for lang in self.langs[path]]
        text = _TITLE_LINE.sub(lambda m: "title: " + yaml_str(title), self.state[path], count=1)
        self.state[path] = text
        for old, new in moves:
            changes[old] = None
            content = self.state.pop(old)
            self.state[new] = content
            changes[new] = content
            self.outbound[new] = self.outbound.pop(old, set())
            for target in self.outbound[new]:
                self.inbound[target].discard(old)
                self.inbound[target].add(new)
            if old in self.broken:
                entries = self.broken.pop(old)
                for e in entries:
                    e["file"] = new
                self.broken[new] = entries
        # pages that link to the renamed page, and playbooks that send it as a message
        referrers = self.inbound.pop(path, set())
        self.inbound[new_path] = referrers
        for ref in sorted(referrers):
            self.outbound[ref].discard(path)
            self.outbound[ref].add(new_path)
            base = posixpath.dirname(ref)
            old_rel = posixpath.relpath(path, base)
            new_rel = posixpath.relpath(new_path, base)
            content = self.state[ref]
            content = content.replace(f"]({old_rel})", f"]({new_rel})")
            content = content.replace(f"]({old_rel}#", f"]({new_rel}#")
            if doc.kind == "script":
                content = content.replace(f"message: {old_stem}\n", f"message: {new_stem}\n")
            self.state[ref] = content
            changes[ref] = content
        for entries in self.broken.values():
            for e in entries:
                if e["resolved"] == path:     # broken anchor into the renamed page
                    base = posixpath.dirname(e["file"])
                    e["resolved"] = new_path
                    e["target"] = posixpath.relpath(new_path, base) + f"#{e['anchor']}"
        doc.path = new_path
        doc.title = title
        self.meta[new_path] = self.meta.pop(path)
        self.langs[new_path] = self.langs.pop(path)
        self._remove_source(path)
        self._add_source(new_path)
        g.by_path[new_path] = doc
        self.renamed += 1
        return f"Rename {old_stem} to {new_stem}"

    def delete(self, path: str, changes: dict) -> str:
        doc = self.meta.pop(path)
        files = [path] + [_translation_path(path, lang) for lang in self.langs.pop(path)]
        for f in files:
            self.state.pop(f)
            changes[f] = None
            for target in self.outbound.pop(f, set()):
                self.inbound[target].discard(f)
            self.broken.pop(f, None)
        self.inbound.pop(path, None)
        self._remove_source(path)
        self.g.titles.discard(doc.title.casefold())
        self.deleted += 1
        return f"Remove outdated page {doc.title}"

    # -- the commits -------------------------------------------------------------------
    def run(self, root: Path, commits: int) -> str:
        """Write ``commits`` commits (the first one holds every file) as one pack."""
        r = self.r
        g = self.g
        step = min(86400, int((COMMIT_LAST - COMMIT_BASE).total_seconds()) // max(1, commits))
        base = int(COMMIT_BASE.timestamp())
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env,
                       capture_output=True)
        pack = _PackWriter(root / ".git")

        def commit(n: int, who: str, message: str, changes: dict) -> None:
            ident = f"{g.person_names[who]} <{who}@brightloop.example> {base + n * step} +0000"
            pack.commit(changes, ident, message)

        max_deleted = len(self.sources) // 20
        lead = g.members.get("support-leads", [g.active[0]])[0]
        try:
            commit(0, lead, "Initial knowledge base\n", dict(self.state))
            for n in range(1, commits):
                when = (COMMIT_BASE + timedelta(seconds=n * step)).date()
                changes: dict[str, str | None] = {}
                x = r.random()
                message = None
                if x < 0.01 and len(self.sources) > 2:
                    message = self.rename(r.choice(self.sources), changes)
                elif x < 0.015 and self.deleted < max_deleted:
                    for _ in range(20):   # only outdated articles and FAQs nobody links to
                        cand = r.choice(self.sources)
                        if self.meta[cand].kind in ("article", "faq") \
                                and not self.inbound.get(cand):
                            message = self.delete(cand, changes)
                            break
                if message is None:
                    picked = list(dict.fromkeys(r.choice(self.sources)
                                                for _ in range(r.randint(1, 3))))
                    msgs = [self.edit(p, when, changes) for p in picked]
                    message = msgs[0] if len(msgs) == 1 else \
                        f"{msgs[0]} and {len(msgs) - 1} more"
                doc = self.meta.get(next(iter(changes)))
                owner = doc.owner if doc and doc.owner in g.active else r.choice(g.active)
                commit(n, owner, message + "\n", changes)
        except BaseException:
            pack.abort()
            raise
        head = pack.finish()
        (root / ".git" / "refs" / "heads" / "main").write_text(head + "\n")
        return head

    def broken_links(self) -> list[dict]:
        return sorted((e for entries in self.broken.values() for e in entries),
                      key=lambda e: (e["file"], e["target"]))


# --------------------------------------------------------------------------------------
# A minimal pack writer: git objects, deltas against each path's previous version
# --------------------------------------------------------------------------------------
#
# One pass, no git subprocess per commit. `git fast-import` was tried first and produced the
# very same commit ids, but spent most of its time re-serialising and re-deltifying large
# trees (docs/faq holds every FAQ and its translations) and trying deltas against unrelated
# blobs: 20,000 commits took ~15 s of CPU at 1,000 articles and ~75 s at 10,000. Every change
# here is local (a sentence, a tree entry), so the deltas are known without searching: copy
# the unchanged prefix and suffix, insert the middle. The pack and its version-2 index are
# written directly; `git fsck --strict` accepts them (see the tests).

_MAX_DEPTH = 50          # delta chain length, as git's default pack.depth
_OBJ_COMMIT, _OBJ_TREE, _OBJ_BLOB, _OBJ_OFS_DELTA = 1, 2, 3, 6


def _obj_header(kind: int, size: int) -> bytes:
    out = bytearray()
    byte = (kind << 4) | (size & 15)
    size >>= 4
    while size:
        out.append(byte | 0x80)
        byte = size & 0x7F
        size >>= 7
    out.append(byte)
    return bytes(out)


def _ofs(distance: int) -> bytes:
    out = [distance & 0x7F]
    distance >>= 7
    while distance:
        distance -= 1
        out.append(0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(reversed(out))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _delta_copy(out: bytearray, offset: int, size: int) -> None:
    while size:
        n = min(size, 0x10000)
        op = 0x80
        args = bytearray()
        for i in range(4):
            b = (offset >> (8 * i)) & 0xFF
            if b:
                op |= 1 << i
                args.append(b)
        if n != 0x10000:
            for i in range(3):
                b = (n >> (8 * i)) & 0xFF
                if b:
                    op |= 0x10 << i
                    args.append(b)
        out.append(op)
        out += args
        offset += n
        size -= n


def _delta_insert(out: bytearray, data: bytes) -> None:
    for i in range(0, len(data), 127):
        chunk = data[i:i + 127]
        out.append(len(chunk))
        out += chunk


def _common_prefix(a: bytes, b: bytes, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    la, lb = len(a), len(b)
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:] == b[lb - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _make_delta(src: bytes, dst: bytes, regions: list[int] | None = None) -> bytes:
    """A git delta turning ``src`` into ``dst``. ``regions``: offsets of the 20-byte spans
    that differ when both have the same length (tree entries whose id changed)."""
    out = bytearray(_varint(len(src)) + _varint(len(dst)))
    if regions is not None:
        pos = 0
        for start in regions:
            if start > pos:
                _delta_copy(out, pos, start - pos)
            _delta_insert(out, dst[start:start + 20])
            pos = start + 20
        if pos < len(dst):
            _delta_copy(out, pos, len(dst) - pos)
        return bytes(out)
    shortest = min(len(src), len(dst))
    prefix = _common_prefix(src, dst, shortest)
    suffix = _common_suffix(src, dst, shortest - prefix)
    if prefix:
        _delta_copy(out, 0, prefix)
    if len(dst) - suffix > prefix:
        _delta_insert(out, dst[prefix:len(dst) - suffix])
    if suffix:
        _delta_copy(out, len(src) - suffix, suffix)
    return bytes(out)


class _Tree:
    __slots__ = ("entries", "data", "pos", "off", "depth", "rebuild", "patched")

    def __init__(self) -> None:
        self.entries: dict[str, list] = {}     # name -> [is_dir, 20-byte id]
        self.data: bytes | None = None          # last stored serialisation
        self.pos: dict[str, int] = {}           # name -> offset of its id in data
        self.off = 0                            # pack offset of the last stored version
        self.depth = 0
        self.rebuild = True
        self.patched: set[str] = set()


class _PackWriter:
    def __init__(self, git_dir: Path) -> None:
        self.pack_dir = git_dir / "objects" / "pack"
        self.pack_dir.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.NamedTemporaryFile(dir=self.pack_dir, prefix="tmp_pack_",
                                                delete=False)
        self.file.write(bytes(12))            # the header, written at the end
        self.offset = 12
        self.index: list[tuple[bytes, int, int]] = []   # id, crc32, offset
        self.known: dict[bytes, tuple[int, int]] = {}   # id -> (offset, depth)
        self.blobs: dict[str, tuple[bytes, int, int]] = {}  # path -> (data, offset, depth)
        self.trees: dict[str, _Tree] = {"": _Tree()}
        self.head: bytes | None = None
        self.pending: list[bytes] = []
        self.pending_size = 0

    def _emit(self, oid: bytes, raw: bytes) -> int:
        offset = self.offset
        self.index.append((oid, zlib.crc32(raw), offset))
        self.pending.append(raw)
        self.pending_size += len(raw)
        if self.pending_size > 1 << 22:
            self.file.write(b"".join(self.pending))
            self.pending.clear()
            self.pending_size = 0
        self.offset += len(raw)
        return offset

    def _store(self, kind: int, data: bytes, base: tuple[bytes, int, int] | None = None,
               regions: list[int] | None = None) -> tuple[bytes, int, int]:
        """Store an object unless known; ``base`` = (data, offset, depth) of the previous
        version to delta against. Returns (id, offset, depth)."""
        oid = hashlib.sha1(b"%s %d\0" % (_TYPE_NAMES[kind], len(data)) + data).digest()
        hit = self.known.get(oid)
        if hit:
            return oid, hit[0], hit[1]
        if base is not None and base[2] < _MAX_DEPTH:
            delta = _make_delta(base[0], data, regions)
            raw = (_obj_header(_OBJ_OFS_DELTA, len(delta)) + _ofs(self.offset - base[1])
                   + zlib.compress(delta, 1))
            depth = base[2] + 1
        else:
            raw = _obj_header(kind, len(data)) + zlib.compress(data, 1)
            depth = 0
        offset = self._emit(oid, raw)
        self.known[oid] = (offset, depth)
        return oid, offset, depth

    def _tree(self, path: str) -> _Tree:
        tree = self.trees.get(path)
        if tree is None:
            tree = self.trees[path] = _Tree()
        return tree

    def _store_tree(self, tree: _Tree) -> bytes:
        regions = None
        if tree.rebuild or tree.data is None:
            parts = []
            pos = {}
            offset = 0
            entries = tree.entries
            for name in sorted(entries, key=lambda n: n + "/" if entries[n][0] else n):
                is_dir, oid = entries[name]
                head = (b"40000 " if is_dir else b"100644 ") + name.encode() + b"\0"
                offset += len(head)
                pos[name] = offset
                offset += 20
                parts += (head, oid)
            data = b"".join(parts)
            tree.pos = pos
        else:
            buf = bytearray(tree.data)
            regions = sorted(tree.pos[name] for name in tree.patched)
            for name in tree.patched:
                at = tree.pos[name]
                buf[at:at + 20] = tree.entries[name][1]
            data = bytes(buf)
        base = (tree.data, tree.off, tree.depth) if tree.data is not None else None
        oid, tree.off, tree.depth = self._store(_OBJ_TREE, data, base, regions)
        tree.data = data
        tree.rebuild = False
        tree.patched = set()
        return oid

    def commit(self, changes: dict[str, str | None], ident: str, message: str) -> bytes:
        dirty: set[str] = set()
        for path in sorted(changes):
            content = changes[path]
            folder, name = posixpath.split(path)
            tree = self._tree(folder)
            if content is None:
                del tree.entries[name]
                tree.rebuild = True
                tree.patched.discard(name)
                self.blobs.pop(path, None)
            else:
                data = content.encode()
                oid, offset, depth = self._store(_OBJ_BLOB, data, self.blobs.get(path))
                if not TRANSLATION_RE.search(path):   # translations are never edited
                    self.blobs[path] = (data, offset, depth)
                entry = tree.entries.get(name)
                if entry is None:
                    tree.entries[name] = [False, oid]
                    tree.rebuild = True
                elif entry[1] != oid:
                    entry[1] = oid
                    tree.patched.add(name)
            while folder not in dirty:          # the folder and its parents change too
                dirty.add(folder)
                self._tree(folder)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
        root_id = None
        for folder in sorted(dirty, key=lambda f: -(f.count("/") + 1) if f else 0):
            tree = self.trees[folder]
            parent = self.trees[posixpath.dirname(folder)] if folder else None
            name = posixpath.basename(folder)
            if folder and not tree.entries:          # emptied: drop the folder
                del self.trees[folder]
                parent.entries.pop(name, None)
                parent.patched.discard(name)
                parent.rebuild = True
                continue
            oid = self._store_tree(tree)
            if parent is None:
                root_id = oid
                continue
            entry = parent.entries.get(name)
            if entry is None:
                parent.entries[name] = [True, oid]
                parent.rebuild = True
            elif entry[1] != oid:
                entry[1] = oid
                parent.patched.add(name)
        if root_id is None:
            root_id = self._store_tree(self.trees[""])
        body = f"tree {root_id.hex()}\n"
        if self.head:
            body += f"parent {self.head.hex()}\n"
        body += f"author {ident}\ncommitter {ident}\n\n{message}"
        self.head = self._store(_OBJ_COMMIT, body.encode())[0]
        return self.head

    def finish(self) -> str:
        """Write the pack header, trailer and index; return the head commit id."""
        self.file.write(b"".join(self.pending))
        self.pending.clear()
        self.file.seek(0)
        self.file.write(b"PACK" + struct.pack(">II", 2, len(self.index)))
        self.file.flush()
        self.file.seek(0)
        digest = hashlib.sha1()
        while chunk := self.file.read(1 << 22):
            digest.update(chunk)
        pack_id = digest.digest()
        self.file.write(pack_id)
        self.file.close()
        name = f"pack-{pack_id.hex()}"
        entries = sorted(self.index)
        fanout = [0] * 256
        for oid, _, _ in entries:
            fanout[oid[0]] += 1
        total = 0
        for i in range(256):
            total += fanout[i]
            fanout[i] = total
        large = [off for _, _, off in entries if off >= 1 << 31]
        small = []
        for _, _, off in entries:
            small.append(off if off < 1 << 31 else (1 << 31) | large.index(off))
        idx = b"".join([
            b"\377tOc", struct.pack(">I", 2), struct.pack(">256I", *fanout),
            b"".join(oid for oid, _, _ in entries),
            struct.pack(f">{len(entries)}I", *(crc for _, crc, _ in entries)),
            struct.pack(f">{len(entries)}I", *small),
            struct.pack(f">{len(large)}Q", *large), pack_id])
        idx += hashlib.sha1(idx).digest()
        os.replace(self.file.name, self.pack_dir / f"{name}.pack")
        tmp_idx = self.pack_dir / f"tmp_idx_{name}"
        tmp_idx.write_bytes(idx)
        os.replace(tmp_idx, self.pack_dir / f"{name}.idx")
        return self.head.hex()

    def abort(self) -> None:
        self.file.close()
        Path(self.file.name).unlink(missing_ok=True)


_TYPE_NAMES = {_OBJ_COMMIT: b"commit", _OBJ_TREE: b"tree", _OBJ_BLOB: b"blob"}
TRANSLATION_RE = re.compile(r"\.[a-z]{2}\.md$")


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def _write_files(root: Path, files: dict[str, str]) -> None:
    made: set[str] = set()
    for rel, text in files.items():
        folder = posixpath.dirname(rel)
        if folder not in made:
            (root / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        with open(root / rel, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def generate_kb(root: Path, articles: int, *, languages=DEFAULT_LANGUAGES, seed: int = 1,
                public_share: float = 0.3, translate_share: float = 1.0, links: bool = True,
                git_commits: int = 0) -> dict:
    """Write a synthetic KB with ``articles`` source pages into ``root`` (new or empty).

    Returns a summary: ``counts`` of source pages per kind, ``translations`` per language,
    ``files_by_kind_lang``, the relative ``paths`` per kind and ``translation_paths`` per
    language, ``categories``, ``links`` (number of links in source pages), ``broken_links``
    (every deliberately broken link, one entry per file it appears in, with ``file``,
    ``target`` as written, ``resolved`` path, ``anchor`` and ``reason``), ``owners`` and, with
    ``git_commits``, a ``git`` block (commits, head, renamed, deleted, edits).
    """
    root = Path(root)
    if git_commits < 0 or (git_commits and articles < 1):
        raise ValueError("git_commits must be >= 0, and a history needs at least one article")
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    if not 0 <= public_share <= 1 or not 0 <= translate_share <= 1:
        raise ValueError("public_share and translate_share must be between 0 and 1")
    gen = _Generator(articles, languages, seed, public_share, translate_share, links)
    files = gen.build()
    git_info = None
    broken = sorted(gen.broken_links(), key=lambda e: (e["file"], e["target"]))
    if git_commits > 0:
        history = _History(gen, random.Random(f"history:{seed}"))
        history.run(root, git_commits)
        files = history.state
        broken = history.broken_links()
        sources = {p: history.meta[p] for p in history.sources}
        langs_of = history.langs
    else:
        sources = {d.path: d for d in gen.docs}
        langs_of = {d.path: (list(gen.languages) if d.translated else []) for d in gen.docs}
    _write_files(root, files)
    if git_commits > 0:
        subprocess.run(["git", "reset", "-q"], cwd=root, check=True, capture_output=True)
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
        git_info = {"commits": git_commits, "head": head, "renamed": history.renamed,
                    "deleted": history.deleted, "edits": history.edits}
    paths: dict[str, list[str]] = {k: [] for k in KINDS}
    tpaths: dict[str, list[str]] = {lang: [] for lang in gen.languages}
    by_kind_lang: dict[str, dict[str, int]] = {k: {"en": 0} for k in KINDS}
    for path, doc in sources.items():
        paths[doc.kind].append(path)
        by_kind_lang[doc.kind]["en"] += 1
        for lang in langs_of[path]:
            tpaths[lang].append(_translation_path(path, lang))
            by_kind_lang[doc.kind][lang] = by_kind_lang[doc.kind].get(lang, 0) + 1
    for v in paths.values():
        v.sort()
    for v in tpaths.values():
        v.sort()
    return {
        "root": str(root),
        "seed": seed,
        "articles": articles,
        "languages": list(gen.languages),
        "counts": {k: len(v) for k, v in paths.items()},
        "translations": {lang: len(v) for lang, v in tpaths.items()},
        "files_by_kind_lang": by_kind_lang,
        "files": len(files),
        "paths": paths,
        "translation_paths": tpaths,
        "data_files": sorted(p for p in files if not p.endswith(".md")),
        "categories": sorted({posixpath.dirname(p)[5:] for p in paths["article"]}),
        "links": gen.link_count,
        "broken_links": broken,
        "owners": {"people": gen.people, "inactive": gen.inactive, "teams": gen.teams},
        "content_hash": gen.hash_fn is not None,
        "git": git_info,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a seeded synthetic support knowledge base.")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--langs", default=",".join(DEFAULT_LANGUAGES),
                    help="comma-separated translation languages (ar, fa, ru, sl); '' for none")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--public-share", type=float, default=0.3)
    ap.add_argument("--translate-share", type=float, default=1.0)
    ap.add_argument("--no-links", action="store_true")
    ap.add_argument("--git-commits", type=int, default=0)
    ap.add_argument("--force", action="store_true",
                    help="replace OUT_DIR first if it already holds a KB (kb.yml and mkdocs.yml)")
    ap.add_argument("--json", action="store_true", help="print the full summary as JSON")
    args = ap.parse_args(argv)
    out: Path = args.out_dir
    if args.force and out.exists() and any(out.iterdir()):
        if not ((out / "kb.yml").is_file() and (out / "mkdocs.yml").is_file()):
            ap.error(f"--force: {out} does not look like a generated KB; not removing it")
        shutil.rmtree(out)
    langs = tuple(x.strip() for x in args.langs.split(",") if x.strip())
    start = time.perf_counter()
    summary = generate_kb(out, args.articles, languages=langs, seed=args.seed,
                          public_share=args.public_share, translate_share=args.translate_share,
                          links=not args.no_links, git_commits=args.git_commits)
    elapsed = time.perf_counter() - start
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        short = {k: summary[k] for k in ("counts", "translations", "files", "links")}
        short["broken_links"] = len(summary["broken_links"])
        short["categories"] = len(summary["categories"])
        if summary["git"]:
            short["git"] = summary["git"]
        print(json.dumps(short))
    print(f"generated {summary['files']} files in {elapsed:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
