-- Every pseudonym is 'm_' + 16 lowercase hex digits, and none equals the raw id it stands for.
select member_id, member_key
from {{ ref('member_pseudonyms') }}
where not regexp_full_match(member_key, 'm_[0-9a-f]{16}')
    or member_key = member_id
