"""The local services every partnership has but each names differently.

Content never types a local service's name or number: it shows a `local_contacts` block
with some of these kinds, and the partnership's editors keep the details in settings. The
codes are stored in page content, so never rename one once shipped.
"""

KINDS = {
    "front_door": "Children's social care front door (MASH)",
    "out_of_hours": "Out-of-hours social work team",
    "lado": "Local Authority Designated Officer (LADO)",
    "police_non_emergency": "Police (non-emergency)",
    "sarc": "Sexual assault referral centre (SARC)",
    "adult_safeguarding": "Adult safeguarding team",
    "procedures": "Local safeguarding procedures",
    "training": "The partnership's training team",
}
