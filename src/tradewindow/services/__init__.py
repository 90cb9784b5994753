"""Digital service trade: the rule-integration registry (规则衔接) and the recognition of Hong
Kong and Macao professional qualifications (港澳专业人士执业备案).

Pure core: ``identity`` (HK / Macao identity cards, Mainland Travel Permits, the employer's
USCC), ``documents`` (uploads: kinds, types, sizes, the virus-scan hook), ``registry`` (items,
states, the draft → review → publish workflow), ``recognition`` (professions, applications and
their states with the clock), ``disclosure`` (who sees which field; retention). Use cases:
``registry_service.RuleRegistry`` and ``recognition_service.Recognitions``, over ``ports``.
"""
