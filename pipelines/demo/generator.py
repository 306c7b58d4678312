"""Deterministic, seeded demo community for the fictional candle brand "Maison Lumière".

Writes the inbox files of the shared contract ("Demo inbox files"), one file per entity per UTC day, in the
platforms' own API shapes::

    <out>/facebook/posts/<day>.json      Graph API page feed (posts with counters and inline insights)
    <out>/facebook/comments/<day>.json   Graph API comments (member comments, page replies with a parent)
    <out>/x/tweets/<day>.json            X API v2 user timeline of @maisonlumiere (originals + replies)
    <out>/x/mentions/<day>.json          X API v2 mentions timeline (members mentioning the brand)
    <out>/x/search/<day>.json            X API v2 recent search (brand and competitor mentions)
    <out>/blog/rss/<day>.xml             RSS 2.0 snapshot with the blog items published that day
    <out>/zendesk/tickets/<day>.json     Zendesk incremental ticket export with metric_sets
    <out>/instagram/media/<day>.json           Instagram Graph API media list (GET /{ig-user-id}/media)
    <out>/instagram/media_insights/<day>.json  lifetime insights of those media (GET /{ig-media-id}/insights)
    <out>/instagram/comments/<day>.json        comments on the recent media and their replies

Everything is vectorised: numpy draws the community (volumes, times, engagement, who answers and when) and
polars renders the JSON records (one ``concat_str`` expression per entity, evaluated on each day's slice).
The only Python loops run over days and over the handful of blog items.

The data is a snapshot taken at the end of ``end_date`` (UTC): nothing created after it is written, and the
lifetime counters (comment totals, reply counts) count exactly what is in the files.

The brand's own contents are re-delivered as the connectors fetch them (``FacebookApi.post_refresh_days``,
``XApi.tweet_refresh_days``, ``InstagramApi.media_refresh_days``): the file of a day holds the posts (tweets,
media and their insights) created in the window up to that day, each with its lifetime counters as of the end of
that day, growing toward its final values, reached on the window's last day (or on ``end_date``). A content first
appears in the file of its own UTC day. Instagram comments too are re-delivered as ``InstagramApi.fetch_comments``
lands them: each day's file holds the comments and replies on the media of the last
``InstagramApi.comment_refresh_days`` days, written up to that day's end (a comment or an answer written later
is never fetched, so the demo does not write it).

Usage::

    python -m pipelines.demo.generator --out data/inbox/demo --days 182 --scale 1 --seed 42
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import sys
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import polars as pl

# ------------------------------------------------------------------------------------------------------------
# Fixed identities (shared contract)
# ------------------------------------------------------------------------------------------------------------
BRAND_NAME = "Maison Lumière"
PAGE_ID = "104000000000001"
X_BRAND_ID = "1500000000000000001"
X_BRAND_USERNAME = "maisonlumiere"
IG_USER_ID = "17841400000000001"  # the brand's Instagram professional account (its replies' from.id)
IG_USERNAME = "maisonlumiere"
COMPETITORS = (
    ("1500000000000000002", "Bougies Céleste", "bougiesceleste"),
    ("1500000000000000003", "Atelier Flamme", "atelierflamme"),
)
AGENT_IDS = tuple(range(9000000001, 9000000010))
ZENDESK_BASE = "https://maisonlumiere.zendesk.com/api/v2"
BLOG_URL = "https://blog.maisonlumiere.example/"
BLOG_TITLE = "Le blog Maison Lumière"

ENTITIES: dict[str, str] = {
    "facebook/posts": "json",
    "facebook/comments": "json",
    "facebook/page_insights": "json",
    "x/tweets": "json",
    "x/mentions": "json",
    "x/search": "json",
    "blog/rss": "xml",
    "zendesk/tickets": "json",
    "slack/messages": "json",
    "slack/users": "json",
    "instagram/media": "json",
    "instagram/media_insights": "json",
    "instagram/comments": "json",
}

DAY = 86_400
HOUR = 3_600
MINUTE = 60
# Helpdesk business hours (Zendesk replies and business minutes): Mon-Fri 07:00-17:00 UTC
# (09:00-19:00 in Paris in summer).
OPEN_S = 7 * HOUR
BUSINESS_DAY_S = 10 * HOUR
_MONDAY0 = 4 * DAY  # 1970-01-05 was a Monday
TWITTER_EPOCH_MS = 1_288_834_974_657

# The community team answers social messages Mon-Fri 06:00-20:00 UTC (08:00-22:00 in Paris in summer).
SOCIAL_HOURS = (6 * HOUR, 14 * HOUR)

# Malformed records injected per kind when malformed=True.
MALFORMED_PER_KIND = 2

# Days a brand content is re-delivered with its counters of the day (its own day included), as the connectors
# fetch them with their defaults (FacebookApi.post_refresh_days, XApi.tweet_refresh_days). The files stay
# small: 182 days at scale 1 make about 6 MB of page feeds and 8 MB of timelines (1 and 2 MB delivered once).
FB_POST_REFRESH_DAYS = 28
X_TWEET_REFRESH_DAYS = 7
# InstagramApi.media_refresh_days (the media list and their insights) and comment_refresh_days (the comments
# and replies of the media of those days).
IG_MEDIA_REFRESH_DAYS = 28
IG_COMMENT_REFRESH_DAYS = 7

# Weekly seasonality (Mon..Sun), normalised to a mean of 1 below.
_WEEKDAY_CONTENT = np.array([1.0, 1.3, 1.3, 1.25, 0.95, 0.6, 0.5])
_WEEKDAY_SOCIAL = np.array([1.0, 1.15, 1.15, 1.1, 1.0, 0.78, 0.72])
_WEEKDAY_TICKETS = np.array([1.15, 1.2, 1.2, 1.15, 1.0, 0.6, 0.55])
_WEEKDAY_BLOG = np.array([0.3, 0.85, 0.3, 0.85, 0.3, 0.05, 0.05])  # expected items per day at scale 1
# Candles sell in autumn and winter.
_MONTH = np.array([0.95, 1.05, 0.95, 0.9, 0.95, 0.85, 0.8, 0.8, 0.95, 1.1, 1.25, 1.45])

# Hour-of-day (UTC) profiles.
# fmt: off
_HOURS_BRAND = np.array([0, 0, 0, 0, 0, 0, 1, 4, 6, 5, 3, 5, 6, 3, 2, 3, 5, 6, 4, 2, 1, 0.5, 0, 0],
                        dtype=float)
_HOURS_MEMBERS = np.array([1.5, 0.8, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 4.8, 5.2,
                           6, 6.5, 6, 5, 3.8, 2.5])
_HOURS_TICKETS = np.array([0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.5, 4, 6, 7, 7, 6.5, 5.5, 6, 6.5, 6, 5, 4, 3, 2.8,
                           2.5, 2, 1.5, 0.8])
# fmt: on

# Member message intents and the share of them the brand never answers.
INTENTS = ("question", "complaint", "praise", "other")
_P_NEVER = np.array([0.06, 0.04, 0.20, 0.50])

# ------------------------------------------------------------------------------------------------------------
# Texts (French and English). {p} = a product, {s} = a scent (expanded when the pools are built);
# {order} and {first} are filled per record.
# ------------------------------------------------------------------------------------------------------------
# fmt: off
SCENTS = ("Figue Noire", "Ambre Doré", "Fleur de Coton", "Bois de Santal", "Vanille Bourbon",
          "Jasmin Nocturne", "Cèdre & Mousse", "Lavande de Provence", "Thé Blanc", "Feu de Bois",
          "Rose Ancienne", "Agrumes Solaires", "Tonka Caramel", "Sapin Givré")
_PRODUCTS = (
    ("bougie {s}", "grande bougie {s}", "bougie {s} trois mèches", "brume d'oreiller {s}",
     "bougie parfumée {s}"),
    ("{s} candle", "large {s} candle", "three-wick {s} candle", "{s} pillow mist", "{s} scented candle"),
)

_MEMBER = {  # [intent][lang]
    "question": (
        ["Bonjour, est-ce que la {p} est de nouveau disponible ?",
         "Quelle est la durée de combustion de la {p} ?",
         "Vous livrez en Belgique ? J'aimerais commander la {p} 🙏",
         "La {p} est-elle vegan ? Merci !",
         "Bonjour ! Ma commande {order} est partie ? Je n'ai pas reçu de mail de suivi.",
         "C'est quoi la différence entre la {p} et l'ancienne version ?",
         "Vous faites des coffrets cadeaux avec la {p} ?",
         "Combien de temps pour une livraison en point relais ?",
         "On peut trouver la {p} en boutique à Lyon ?",
         "Il reste des codes promo pour la fête des mères ?"],
        ["Hi! Is the {p} back in stock?",
         "How long does the {p} burn for?",
         "Do you ship to the UK? I'd love to order the {p} 🙏",
         "Is the {p} vegan?",
         "Hello, has my order {order} shipped? I haven't had a tracking email.",
         "What's the difference between the {p} and the old one?",
         "Do you do gift sets with the {p}?",
         "How long does delivery to Ireland take?"],
    ),
    "complaint": (
        ["Toujours pas reçu ma commande {order}, ça fait 10 jours... 😕",
         "Ma {p} est arrivée cassée, le verre était fendu.",
         "Déçue, la {p} ne sent presque rien une fois allumée.",
         "Colis {order} bloqué depuis une semaine, et personne ne répond aux mails.",
         "La mèche de ma {p} se noie au bout de deux heures, c'est normal ?",
         "J'ai été débitée deux fois pour la commande {order} !",
         "Livraison annoncée hier, toujours rien. Commande {order}."],
        ["Still haven't received my order {order}, it's been 10 days... 😕",
         "My {p} arrived broken, the glass was cracked.",
         "Disappointed, the {p} barely smells once lit.",
         "Parcel {order} stuck for a week and nobody answers emails.",
         "The wick on my {p} drowns after two hours, is that normal?",
         "I was charged twice for order {order}!"],
    ),
    "praise": (
        ["J'adore la {p}, elle parfume toute la maison 😍",
         "Reçue hier, la {p} est sublime !",
         "Meilleure bougie que j'ai jamais eue ✨",
         "Le parfum {s} est juste incroyable 🕯️",
         "Offerte à ma mère pour Noël, elle a adoré la {p} !",
         "Ça sent tellement bon chez moi depuis que j'ai la {p}",
         "Magnifique photo 😍",
         "Vivement la collection d'automne !",
         "Troisième {p} achetée, je ne m'en lasse pas",
         "Livraison rapide et emballage soigné, merci !"],
        ["Love the {p}, it fills the whole house 😍",
         "Got it yesterday, the {p} is gorgeous!",
         "Best candle I've ever had ✨",
         "The {s} scent is just amazing 🕯️",
         "Gave the {p} to my mum for Christmas, she loved it!",
         "My flat smells so good since I got the {p}",
         "Beautiful picture 😍",
         "Third {p} and I'm still obsessed"],
    ),
    "other": (
        ["😍😍😍", "Je veux tester le parfum {s} !", "Concours ?",
         "Qui d'autre attend le retour de la {p} ? 🙋‍♀️",
         "Trop beau", "On en prend une pour l'anniversaire de Julie ?", "Joli !"],
        ["😍😍😍", "Need to try {s}!", "Giveaway?", "Who else is waiting for the {p} to come back? 🙋‍♀️",
         "So pretty", "Gorgeous!"],
    ),
}

_X_STANDALONE_EXTRA = {  # tweets that mention the brand outside a reply
    "question": (
        ["Bonjour @maisonlumiere, la {p} revient quand ?",
         "@maisonlumiere vous avez un code promo en ce moment ?",
         "Hello @maisonlumiere ma commande {order} n'a toujours pas bougé, c'est normal ?"],
        ["Hey @maisonlumiere when is the {p} coming back?", "@maisonlumiere any discount code at the moment?",
         "Hi @maisonlumiere my order {order} hasn't moved in days, is that normal?"],
    ),
    "complaint": (
        ["@maisonlumiere commande {order} reçue avec une bougie cassée, je fais comment ?",
         "Ça fait 3 mails sans réponse @maisonlumiere... commande {order}",
         "Franchement déçue par la {p} de @maisonlumiere, aucune odeur 😞"],
        ["@maisonlumiere order {order} arrived with a broken candle, what do I do?",
         "Three emails and no answer @maisonlumiere... order {order}",
         "Honestly disappointed by the {p} from @maisonlumiere, no scent at all 😞"],
    ),
    "praise": (
        ["Soirée plaid + {p} de @maisonlumiere, le bonheur ✨",
         "Entre @maisonlumiere et @bougiesceleste mon cœur balance, mais la {p} gagne 🕯️",
         "Meilleur cadeau de l'année : la {p} de @maisonlumiere",
         "Merci @maisonlumiere pour la livraison super rapide !"],
        ["Blanket + {p} from @maisonlumiere = perfect evening ✨",
         "Torn between @maisonlumiere and @atelierflamme but the {p} wins 🕯️",
         "Best gift of the year: the {p} from @maisonlumiere",
         "Thanks @maisonlumiere for the super fast delivery!"],
    ),
    "other": (
        ["Quelqu'un a testé la {p} de @maisonlumiere ?", "@maisonlumiere ou @atelierflamme pour offrir ? 🤔"],
        ["Has anyone tried the {p} from @maisonlumiere?", "@maisonlumiere or @bougiesceleste as a gift? 🤔"],
    ),
}

_X_QUOTE = (
    ["Celle-ci est sur ma wishlist @maisonlumiere 😍", "Je valide à 100 % @maisonlumiere",
     "Le {s} est le meilleur, @maisonlumiere", "Mon parfum préféré de @maisonlumiere 🕯️"],
    ["This one is on my wishlist @maisonlumiere 😍", "Can confirm, @maisonlumiere {s} is the best",
     "My favourite scent from @maisonlumiere 🕯️"],
)

_BRAND_REPLY = {  # page / brand answers, [intent][lang]
    "question": (
        ["Bonjour {first} ! Bonne question, nous vous répondons en message privé 😊",
         "Bonjour {first}, oui ! Nous livrons en France, Belgique, Suisse et Luxembourg 🚚",
         "Hello {first} ! Elle revient en stock la semaine prochaine ✨",
         "Bonjour {first}, comptez environ 45 heures de combustion pour le format 180 g.",
         "Bonjour {first}, toutes nos cires sont 100 % végétales (colza et coco) 🌿"],
        ["Hi {first}! Great question, we've sent you a private message 😊",
         "Hi {first}, yes! We ship to the UK and most of Europe 🚚",
         "Hello {first}! It's back in stock next week ✨",
         "Hi {first}, our 180 g candles burn for about 45 hours."],
    ),
    "complaint": (
        [("Bonjour {first}, nous sommes vraiment désolés 😔 Pouvez-vous nous écrire en message privé "
          "avec votre numéro de commande ? Nous regardons ça tout de suite."),
         ("Oh non {first} ! Envoyez-nous une photo en message privé, "
          "nous vous renvoyons une bougie immédiatement."),
         "Bonjour {first}, nous avons relancé le transporteur, vous recevrez un mail de suivi sous 24 h."],
        ["Hi {first}, we're so sorry 😔 Could you DM us your order number? We'll look into it right away.",
         "Oh no {first}! Send us a photo by DM and we'll ship a replacement straight away.",
         "Hi {first}, we've chased the carrier, you'll get a tracking email within 24 hours."],
    ),
    "praise": (
        ["Merci beaucoup {first} ! 🥰", "Merci {first}, ça nous fait tellement plaisir 🕯️",
         "Trop contents qu'elle vous plaise {first} ✨"],
        ["Thank you so much {first}! 🥰", "Thanks {first}, that makes our day 🕯️",
         "So glad you love it {first} ✨"],
    ),
    "other": (
        ["😊", "Merci {first} ✨", "Réponse très bientôt {first} 😉"],
        ["😊", "Thanks {first} ✨", "Stay tuned {first} 😉"],
    ),
}

_PEER_REPLY = {  # a member answering another member's comment, [intent of the comment][its lang]
    "question": (
        ["{first} oui elle est revenue, j'ai commandé la {p} hier 😊",
         "Coucou {first}, chez moi la {p} a tenu une quarantaine d'heures.",
         "{first} ils livrent en Belgique, j'ai reçu la mienne à Liège en 3 jours 🚚",
         "{first} toutes leurs cires sont végétales, c'est indiqué sur le site 🌿",
         "Regarde dans tes spams {first}, mon mail de suivi était arrivé là 😉",
         "{first} il y a des coffrets sur le site, j'en ai offert un avec la {p}, superbe !",
         "En point relais j'ai mis 4 jours {first}.",
         "{first} la nouvelle version de la {p} a une mèche en coton, elle brûle plus régulièrement."],
        ["{first} yes it's back, I ordered the {p} yesterday 😊",
         "Hi {first}, my {p} lasted around forty hours.",
         "{first} they do ship to the UK, mine arrived in 4 days 🚚",
         "{first} all their waxes are plant-based, it says so on the website 🌿",
         "Check your spam folder {first}, my tracking email landed there 😉",
         "{first} they have gift sets on the website, I gave one with the {p}, lovely!"],
    ),
    "complaint": (
        ["Pareil pour moi {first}, écris-leur en message privé, ils m'ont renvoyé une bougie en 2 jours.",
         "{first} coupe la mèche à 5 mm avant chaque allumage, ça a tout réglé chez moi.",
         "Courage {first}, mon colis a aussi traîné une semaine mais il est bien arrivé 🙏",
         "{first} envoie une photo au service client, ils ont été super réactifs avec moi."],
        ["Same happened to me {first}, DM them, they sent a replacement within 2 days.",
         "{first} trim the wick to 5 mm before each burn, that fixed it for me.",
         "Hang in there {first}, my parcel was slow too but it got here 🙏"],
    ),
    "praise": (
        ["Tellement d'accord {first} ! La {p} est ma préférée aussi 😍",
         "Pareil {first}, je ne peux plus m'en passer ✨",
         "{first} essaie le parfum {s}, tu vas adorer !"],
        ["So agree {first}! The {p} is my favourite too 😍", "Same {first}, can't live without it ✨",
         "{first} try the {s} scent next, you'll love it!"],
    ),
    "other": (
        ["Moi aussi {first} 🙋‍♀️", "{first} le {s} est incroyable, fonce !", "Bonne idée {first} 😄"],
        ["Me too {first} 🙋‍♀️", "{first} {s} is amazing, go for it!", "Good idea {first} 😄"],
    ),
}

_FB_POSTS = (
    [("Nouveauté ✨ Découvrez la {p}, coulée à la main dans notre atelier de Grasse.\n\n"
      "Disponible dès aujourd'hui sur maisonlumiere.example"),
     ("Les soirées rallongent... c'est le moment parfait pour allumer une {p} 🕯️ "
      "Et vous, quel parfum ce soir ?"),
     ("Concours 🎁 Tentez de gagner une {p} ! Pour participer : aimez ce post "
      "et dites-nous en commentaire votre parfum préféré."),
     "Dans les coulisses de l'atelier : chaque {p} est coulée et étiquetée à la main 🤍",
     "Conseil d'entretien : coupez la mèche à 5 mm avant chaque allumage pour une combustion parfaite.",
     "Livraison offerte ce week-end dès 40 € d'achat 🚚",
     "Notre parfum {s} revient en édition limitée. Qui l'attendait ?",
     "Nouvel article sur le blog : comment choisir le parfum de chaque pièce 🏡",
     "Petit moment de douceur avec la {p} et un bon livre 📖"],
    [("New ✨ Meet the {p}, hand-poured in our Grasse workshop.\n\n"
      "Available today on maisonlumiere.example"),
     "Giveaway 🎁 Win a {p}! Like this post and tell us your favourite scent in the comments.",
     "Our {s} scent is back as a limited edition. Who was waiting for it?",
     "Free shipping this weekend on orders over €40 🚚"],
)

_IG_CAPTIONS = (
    ["La {p}, coulée à la main dans notre atelier de Grasse ✨ #bougie #faitmain #maisonlumiere",
     "Dimanche cocooning 🕯️ Quel parfum allumez-vous ce soir ? #cocooning #bougieparfumee",
     "Nouveauté : la {p} 🤍 Disponible sur maisonlumiere.example #nouveaute",
     "Dans les coulisses : le coulage de la {p}, étape par étape 🎥 #coulisses #artisanat",
     "Concours 🎁 Gagnez une {p} ! Abonnez-vous et identifiez une amie en commentaire. #concours",
     "Le parfum {s} revient en édition limitée 🌿 #editionlimitee",
     "Un peu de douceur avec la {p} et un bon livre 📖 #slowliving",
     "Conseil : coupez la mèche à 5 mm avant chaque allumage ✂️ #astuce"],
    ["The {p}, hand-poured in our Grasse workshop ✨ #candles #handmade #maisonlumiere",
     "Sunday wind-down 🕯️ Which scent are you lighting tonight? #cosy",
     "New: the {p} 🤍 Available on maisonlumiere.example #newin",
     "Giveaway 🎁 Win a {p}! Follow us and tag a friend in the comments. #giveaway"],
)

_TWEETS = (
    ["La {p} est de retour ✨ maisonlumiere.example", "Quel parfum allumez-vous ce soir ? 🕯️",
     "Conseil du jour : coupez la mèche à 5 mm avant chaque allumage.",
     "Livraison offerte ce week-end dès 40 € 🚚", "Nouvel article sur le blog : les secrets de la {p}",
     "Coulée à la main à Grasse : la {p} 🤍", "Concours 🎁 RT + follow pour gagner une {p} !"],
    ["The {p} is back ✨ maisonlumiere.example", "Which scent are you lighting tonight? 🕯️",
     "Tip of the day: trim your wick to 5 mm before each burn.", "Hand-poured in Grasse: the {p} 🤍"],
)

_COMPETITOR_TWEETS = (
    ["La nouvelle bougie de @{c} sent trop bon", "@{c} ma commande n'est toujours pas arrivée...",
     "Quelqu'un a testé les bougies @{c} ?", "Déçue par @{c}, la mèche a lâché au bout d'une heure",
     "Soirée cocooning avec ma bougie @{c} 🕯️", "@{c} vous faites des soldes cette année ?"],
    ["The new @{c} candle smells amazing", "@{c} my order still hasn't arrived...",
     "Anyone tried @{c} candles?", "Cozy night with my @{c} candle 🕯️"],
)

TICKET_TOPICS = ("livraison", "casse", "modification_commande", "question_produit", "remboursement", "b2b",
                 "autre")
_TICKET_TOPIC_P = np.array([0.32, 0.10, 0.12, 0.18, 0.12, 0.04, 0.12])
_TICKET_TYPE = ("incident", "incident", "task", "question", "task", "question", "question")
_TICKET_TEXTS = {  # topic -> ([subjects fr], [subjects en], [descriptions fr], [descriptions en])
    "livraison": (
        ["Où est ma commande {order} ?", "Commande {order} non reçue", "Retard de livraison"],
        ["Where is my order {order}?", "Order {order} not received", "Late delivery"],
        [("Bonjour, j'ai passé la commande {order} il y a plus d'une semaine et le suivi "
          "n'a pas bougé depuis 5 jours. Pouvez-vous vérifier ? Merci."),
         "Bonjour, le colis {order} est indiqué livré mais je n'ai rien reçu."],
        [("Hello, I placed order {order} over a week ago and tracking hasn't moved for 5 days. "
          "Could you check?"),
         "Hi, parcel {order} shows as delivered but I never got it."],
    ),
    "casse": (
        ["Bougie cassée à la livraison", "Verre fendu - commande {order}"],
        ["Candle broken on arrival", "Cracked glass - order {order}"],
        ["Bonjour, ma {p} est arrivée avec le verre fendu (commande {order}). Photos jointes.",
         "Le couvercle de la {p} était cassé dans le colis {order}."],
        ["Hello, my {p} arrived with a cracked glass (order {order}). Photos attached.",
         "The lid of the {p} was broken in parcel {order}."],
    ),
    "modification_commande": (
        ["Modifier l'adresse de livraison", "Annuler ma commande {order}",
         "Ajouter un article à ma commande"],
        ["Change delivery address", "Cancel my order {order}", "Add an item to my order"],
        ["Bonjour, je me suis trompée d'adresse pour la commande {order}, est-il possible de la modifier ?",
         "Bonjour, je souhaite annuler la commande {order} passée ce matin."],
        ["Hi, I entered the wrong address for order {order}, can it be changed?",
         "Hello, I'd like to cancel order {order} placed this morning."],
    ),
    "question_produit": (
        ["Question sur la durée de combustion", "Ingrédients de la {p}", "Mèche qui se noie"],
        ["Question about burn time", "Ingredients of the {p}", "Wick drowning"],
        ["Bonjour, quelle est la composition exacte de la {p} ? Je suis allergique à certains parfums.",
         "Bonjour, la mèche de ma {p} se noie après une heure, que faire ?"],
        ["Hello, what is the exact composition of the {p}? I'm allergic to some fragrances.",
         "Hi, the wick of my {p} drowns after an hour, what should I do?"],
    ),
    "remboursement": (
        ["Demande de remboursement commande {order}", "Retour d'un article", "Double débit"],
        ["Refund request order {order}", "Returning an item", "Charged twice"],
        ["Bonjour, je souhaite retourner la {p} de la commande {order} et être remboursée.",
         "Bonjour, j'ai été débitée deux fois pour la commande {order}."],
        ["Hello, I'd like to return the {p} from order {order} for a refund.",
         "Hi, I was charged twice for order {order}."],
    ),
    "b2b": (
        ["Demande de partenariat revendeur", "Tarifs professionnels"],
        ["Stockist enquiry", "Wholesale prices"],
        ["Bonjour, je tiens une boutique de décoration à Nantes et souhaiterais référencer vos bougies."],
        ["Hello, I run a homeware shop in Bristol and would like to stock your candles."],
    ),
    "autre": (
        ["Code promo non appliqué", "Problème de connexion à mon compte", "Carte cadeau"],
        ["Discount code not applied", "Cannot log into my account", "Gift card"],
        ["Bonjour, mon code promo n'a pas été pris en compte sur la commande {order}.",
         "Bonjour, je n'arrive plus à me connecter à mon compte client."],
        ["Hi, my discount code wasn't applied to order {order}.",
         "Hello, I can no longer log into my account."],
    ),
}

_BLOG_TITLES = [
    "Comment choisir le parfum de chaque pièce", "5 rituels cocooning pour l'automne",
    "Dans les coulisses de notre atelier de Grasse", "Bougies & sécurité : nos 7 conseils",
    "Pourquoi nous avons choisi la cire de colza", "Le guide des accords parfumés",
    "Nouvelle collection : {s}", "Entretenir sa bougie : la mèche, la première combustion",
    "Idées cadeaux à moins de 30 € (<3)", "Recycler ses pots de bougie : 6 idées DIY",
    "Rencontre avec notre parfumeuse", "Le parfum {s} raconté par son créateur",
    "Bougie parfumée ou diffuseur : que choisir ?", "Notre engagement \"zéro plastique\" en 2026",
]
_BLOG_AUTHORS = ("Claire Fontaine", "Hugo Marchand", "Inès Bernard")
_BLOG_CATEGORIES = ("Conseils", "Coulisses", "Nouveautés", "Inspiration")

_FIRST_NAMES = (
    ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Alice", "Lina", "Hugo", "Lucas",
     "Louis", "Gabriel", "Arthur", "Jules", "Raphaël", "Nathan", "Théo", "Paul", "Élodie", "Sophie",
     "Julie", "Claire", "Margaux", "Anaïs", "Mathilde", "Céline", "Aurélie", "Nicolas", "Julien", "Thomas",
     "Antoine", "Maxime", "Pierre", "Hélène", "Isabelle", "Nathalie", "Sandrine", "Valérie", "Françoise",
     "Amélie"],
    ["Olivia", "Emma", "Amelia", "Sophia", "Isla", "Grace", "Charlotte", "Emily", "Jessica", "Hannah",
     "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Jacob", "Oscar", "James", "William", "Daniel",
     "Sarah", "Laura", "Rachel", "Megan", "Lucy", "Chloe", "Ethan", "Ryan", "Michael"],
)
_LAST_NAMES = (
    ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
     "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
     "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
     "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin",
     "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin"],
    ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
     "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
     "Miller", "Davis", "Anderson", "Moore", "Harris", "Clark", "Lewis", "Young", "King", "Scott"],
)
# fmt: on


def _ascii(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalnum()).lower()


def _expand(templates: list[str], lang: int, salt: int = 0) -> list[str]:
    """Each template once per scent when it names a product/scent, otherwise once."""
    out: list[str] = []
    for t_i, tpl in enumerate(templates):
        if "{p}" in tpl or "{s}" in tpl:
            for s_i, scent in enumerate(SCENTS):
                product = _PRODUCTS[lang][(s_i + t_i + salt) % len(_PRODUCTS[lang])].replace("{s}", scent)
                out.append(tpl.replace("{p}", product).replace("{s}", scent))
        else:
            out.append(tpl)
    return out


class _Texts:
    """All generated texts in one string pool; records hold an index into it."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.families: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add_family(self, name: str, buckets: list[list[str]]) -> None:
        starts, sizes = [], []
        for strings in buckets:
            assert strings, name
            starts.append(len(self.items))
            sizes.append(len(strings))
            self.items.extend(strings)
        self.families[name] = (np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64))

    def pick(self, rng: np.random.Generator, family: str, bucket: np.ndarray) -> np.ndarray:
        starts, sizes = self.families[family]
        bucket = np.asarray(bucket, dtype=np.int64)
        u = rng.random(bucket.shape[0])
        return starts[bucket] + np.minimum((u * sizes[bucket]).astype(np.int64), sizes[bucket] - 1)

    def series(self) -> pl.Series:
        return pl.Series("text", self.items, dtype=pl.String)


def _build_texts() -> _Texts:
    t = _Texts()
    # bucket = intent * 2 + lang
    t.add_family("fb_member", [_expand(_MEMBER[i][lang], lang) for i in INTENTS for lang in (0, 1)])
    t.add_family(
        "x_reply",
        [
            ["@maisonlumiere " + s for s in _expand(_MEMBER[i][lang], lang, 1)]
            for i in INTENTS
            for lang in (0, 1)
        ],
    )
    t.add_family(
        "x_standalone",
        [
            ["@maisonlumiere " + s for s in _expand(_MEMBER[i][lang], lang, 2)]
            + _expand(_X_STANDALONE_EXTRA[i][lang], lang) * 3
            for i in INTENTS
            for lang in (0, 1)
        ],
    )
    t.add_family("x_quote", [_expand(_X_QUOTE[lang], lang) for lang in (0, 1)])
    t.add_family("brand_reply", [_expand(_BRAND_REPLY[i][lang], lang) for i in INTENTS for lang in (0, 1)])
    t.add_family("fb_post", [_expand(_FB_POSTS[lang], lang) for lang in (0, 1)])
    t.add_family("tweet", [_expand(_TWEETS[lang], lang) for lang in (0, 1)])
    # bucket = competitor * 2 + lang
    t.add_family(
        "competitor",
        [[s.replace("{c}", c[2]) for s in _COMPETITOR_TWEETS[lang]] for c in COMPETITORS for lang in (0, 1)],
    )
    # bucket = topic * 2 + lang
    t.add_family(
        "ticket_subject", [_expand(_TICKET_TEXTS[tp][lang], lang) for tp in TICKET_TOPICS for lang in (0, 1)]
    )
    t.add_family(
        "ticket_description",
        [_expand(_TICKET_TEXTS[tp][2 + lang], lang) for tp in TICKET_TOPICS for lang in (0, 1)],
    )
    # bucket = lang
    t.add_family("first_name", [list(_FIRST_NAMES[0]), list(_FIRST_NAMES[1])])
    t.add_family("last_name", [list(_LAST_NAMES[0]), list(_LAST_NAMES[1])])
    # added last so that the indices of the families above stay the same; bucket = intent * 2 + lang
    t.add_family("peer_reply", [_expand(_PEER_REPLY[i][lang], lang, 3) for i in INTENTS for lang in (0, 1)])
    # bucket = lang
    t.add_family("ig_caption", [_expand(_IG_CAPTIONS[lang], lang, 4) for lang in (0, 1)])
    return t


# ------------------------------------------------------------------------------------------------------------
# Calendar helpers (all instants are int64 seconds since the Unix epoch, UTC)
# ------------------------------------------------------------------------------------------------------------
def _epoch(d: date) -> int:
    return (d - date(1970, 1, 1)).days * DAY


def _business_clock(t: np.ndarray, hours: tuple[int, int] = (OPEN_S, BUSINESS_DAY_S)) -> np.ndarray:
    """Business seconds (Mon-Fri, ``hours`` = (opening second of the day, open seconds), UTC) elapsed since a
    Monday in 1970: a monotonic clock that stands still outside business hours."""
    open_s, length = hours
    x = np.asarray(t, dtype=np.int64) - _MONDAY0
    d = x // DAY
    sod = x - d * DAY
    wd = d % 7
    within = np.where(wd < 5, np.clip(sod - open_s, 0, length), 0)
    return (d // 7) * 5 * length + np.minimum(wd, 5) * length + within


def _from_business_clock(b: np.ndarray, hours: tuple[int, int] = (OPEN_S, BUSINESS_DAY_S)) -> np.ndarray:
    """Inverse of :func:`_business_clock` (the earliest instant at which the clock shows ``b``)."""
    open_s, length = hours
    b = np.asarray(b, dtype=np.int64)
    week = b // (5 * length)
    r = b - week * 5 * length
    wd = r // length
    s = r - wd * length
    return _MONDAY0 + week * 7 * DAY + wd * DAY + open_s + s


def _in_business_hours(t: np.ndarray, hours: tuple[int, int] = (OPEN_S, BUSINESS_DAY_S)) -> np.ndarray:
    open_s, length = hours
    x = np.asarray(t, dtype=np.int64) - _MONDAY0
    sod = x % DAY
    return ((x // DAY) % 7 < 5) & (sod >= open_s) & (sod < open_s + length)


def _day_factors(rng: np.random.Generator, start: date, days: int, weekday: np.ndarray) -> np.ndarray:
    """Expected-volume multiplier per day: weekday x month seasonality x slow growth x day-level noise."""
    d = np.arange(days)
    epoch_day = _epoch(start) // DAY + d
    wd = (epoch_day + 3) % 7  # 1970-01-01 was a Thursday
    month = (np.datetime64("1970-01-01") + epoch_day.astype("timedelta64[D]")).astype("datetime64[M]")
    month_idx = month.astype(np.int64) % 12
    trend = 0.9 + 0.2 * d / max(days - 1, 1)
    noise = rng.gamma(16.0, 1.0 / 16.0, days)
    return (weekday / weekday.mean())[wd] * _MONTH[month_idx] * trend * noise


def _times_in_days(rng: np.random.Generator, start_ts: int, day: np.ndarray, hours: np.ndarray) -> np.ndarray:
    h = rng.choice(24, size=day.shape[0], p=hours / hours.sum())
    s = rng.integers(0, HOUR, day.shape[0])
    return start_ts + day.astype(np.int64) * DAY + h * HOUR + s


def _thin_night(rng: np.random.Generator, ts: np.ndarray) -> np.ndarray:
    """Members sleep: most activity that would fall between 00:00 and 06:00 UTC moves to the morning."""
    hour = (ts % DAY) // HOUR
    move = (hour < 6) & (rng.random(ts.shape[0]) < 0.7)
    morning = ts - ts % DAY + 6 * HOUR + rng.integers(0, 3 * HOUR, ts.shape[0])
    return np.where(move, morning, ts)


def _respond(
    rng: np.random.Generator,
    t0: np.ndarray,
    p_never: np.ndarray,
    *,
    fast_median_s: float,
    slow_median_s: float,
    p_slow: float,
    p_oncall: float,
    oncall_median_s: float,
    hours: tuple[int, int] = (OPEN_S, BUSINESS_DAY_S),
) -> np.ndarray:
    """When the brand first answers each message (-1 = never).

    Answers are counted in business time (a Saturday message waits for Monday morning); a share of the
    messages gets a slow answer (hours to days), some off-hours messages get a quick on-call answer."""
    n = t0.shape[0]
    never = rng.random(n) < p_never
    slow = rng.random(n) < p_slow
    delay_b = rng.lognormal(np.log(np.where(slow, slow_median_s, fast_median_s)), np.where(slow, 0.8, 0.75))
    answer = _from_business_clock(_business_clock(t0, hours) + delay_b.astype(np.int64), hours)
    oncall = ~_in_business_hours(t0, hours) & (rng.random(n) < p_oncall)
    oncall_at = t0 + rng.lognormal(np.log(oncall_median_s), 0.6, n).astype(np.int64)
    answer = np.where(oncall, oncall_at, answer)
    answer = np.maximum(answer, t0 + 30 + rng.integers(0, 90, n))
    return np.where(never, -1, answer)


# ------------------------------------------------------------------------------------------------------------
# JSON rendering with polars expressions (no per-record Python)
# ------------------------------------------------------------------------------------------------------------
def _lit(s: str) -> pl.Expr:
    return pl.lit(s, dtype=pl.String)


def _cat(*parts: str | pl.Expr) -> pl.Expr:
    return pl.concat_str([p.cast(pl.String) if isinstance(p, pl.Expr) else _lit(p) for p in parts])


def _jstr(e: pl.Expr) -> pl.Expr:
    """A string column as JSON string literals (escaped by polars), null as ``null``."""
    return pl.struct(e.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


def _jnum(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.String).fill_null("null")


def _jraw(value: object) -> pl.Expr:
    return _lit(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _obj(*entries: tuple) -> pl.Expr:
    """A JSON object per row from ``(key, json_value_expr)`` or ``(key, json_value_expr, present_condition)``;
    keys whose condition is false are omitted (as the APIs omit them)."""
    frags = []
    for entry in entries:
        key, value = entry[0], entry[1]
        frag = _cat(f',"{key}":', value)
        if len(entry) == 3:
            frag = pl.when(entry[2]).then(frag).otherwise(_lit(""))
        frags.append(frag)
    return _cat("{", pl.concat_str(frags).str.strip_prefix(","), "}")


def _ts(col: str, fmt: str) -> pl.Expr:
    return pl.from_epoch(pl.col(col), time_unit="s").dt.strftime(fmt)


FB_TIME = "%Y-%m-%dT%H:%M:%S+0000"
X_TIME = "%Y-%m-%dT%H:%M:%S.000Z"
ZD_TIME = "%Y-%m-%dT%H:%M:%SZ"


def _join_json(frame: pl.DataFrame, expr: pl.Expr) -> str:
    if frame.height == 0:
        return ""
    return frame.select(expr.str.join(",")).item()


# ------------------------------------------------------------------------------------------------------------
# Generation context and members
# ------------------------------------------------------------------------------------------------------------
@dataclass
class GenerationSummary:
    """What :func:`generate` wrote. ``counts`` are records written per entity (malformed included),
    ``details`` breaks them down, ``malformed`` counts the injected malformed records per kind."""

    out_dir: Path
    start_date: date
    end_date: date
    days: int
    scale: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, int] = field(default_factory=dict)
    malformed: dict[str, int] = field(default_factory=dict)
    files_written: int = 0
    seconds: float = 0.0

    @property
    def first_day(self) -> date:
        return self.start_date

    @property
    def last_day(self) -> date:
        return self.end_date

    @property
    def interactions(self) -> int:
        """Facebook comments (member + page) + X mentions + brand X replies."""
        return (
            self.counts.get("facebook/comments", 0)
            + self.counts.get("x/mentions", 0)
            + self.details.get("x_brand_replies", 0)
        )

    @property
    def malformed_total(self) -> int:
        return sum(self.malformed.values())


@dataclass
class _Ctx:
    seed: int
    start: date
    days: int
    scale: float
    malformed: bool
    texts: _Texts
    text_series: pl.Series
    members: _Members
    post_refresh_days: int = FB_POST_REFRESH_DAYS
    tweet_refresh_days: int = X_TWEET_REFRESH_DAYS
    media_refresh_days: int = IG_MEDIA_REFRESH_DAYS

    @property
    def start_ts(self) -> int:
        return _epoch(self.start)

    @property
    def end_ts(self) -> int:  # exclusive: the end of end_date
        return _epoch(self.start) + self.days * DAY

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(stream.encode())])

    def text(self, idx: np.ndarray) -> pl.Series:
        return self.text_series.gather(pl.Series(idx, dtype=pl.Int64))

    def malformed_days(self, stream: str) -> np.ndarray:
        if not self.malformed:
            return np.zeros(0, dtype=np.int64)
        rng = self.rng("malformed." + stream)
        k = MALFORMED_PER_KIND
        return np.sort(rng.choice(self.days, size=k, replace=self.days < k)).astype(np.int64)


class _Members:
    """The community: one person per index, with platform-specific ids and a heavy-tailed activity."""

    def __init__(self, rng: np.random.Generator, n: int, texts: _Texts) -> None:
        self.n = n
        self.lang = (rng.random(n) < 0.3).astype(np.int64)  # 0 = French, 1 = English
        self.first = texts.pick(rng, "first_name", self.lang)  # indices into the text pool
        self.last = texts.pick(rng, "last_name", self.lang)
        idx = np.arange(n, dtype=np.int64)
        self.fb_id = 10_200_000_000_000_000 + idx * 1000 + rng.integers(0, 1000, n)
        self.x_id = 1_300_000_000_000_000_000 + idx * 1000 + rng.integers(0, 1000, n)
        self.zd_id = 3_800_000_000_000 + idx * 100 + rng.integers(0, 100, n)
        # superfans differ somewhat across platforms
        self._perm = {"facebook": idx, "x": rng.permutation(n), "zendesk": rng.permutation(n)}
        self._items = texts.series()
        # ASCII handles for the (small) name vocabulary, computed once per vocabulary entry
        self._ascii = pl.Series([_ascii(s) for s in texts.items], dtype=pl.String)
        # Instagram, drawn last (every draw above, hence every other platform's data, stays the same): an
        # Instagram-scoped id, and half the members use their X handle there too (same_handle links them)
        self.ig_id = 17_841_450_000_000_000 + idx * 1000 + rng.integers(0, 1000, n)
        self.ig_same_handle = rng.random(n) < 0.5
        self._perm["instagram"] = rng.permutation(n)

    def pick(self, rng: np.random.Generator, size: int, platform: str) -> np.ndarray:
        """``size`` authors; a few members write a large share of the messages (rank ~ u**2.2)."""
        u = rng.random(size)
        rank = np.minimum((self.n * u**2.2).astype(np.int64), self.n - 1)
        return self._perm[platform][rank]

    def regulars(self, rng: np.random.Generator, size: int, platform: str, pool: int) -> np.ndarray:
        """``size`` picks among the ``pool`` most active members of ``platform`` (rank ~ pool * u**2: the most
        active of them picked most)."""
        rank = np.minimum((pool * rng.random(size) ** 2).astype(np.int64), pool - 1)
        return self._perm[platform][np.minimum(rank, self.n - 1)]

    def frame(self, idx: np.ndarray) -> pl.DataFrame:
        """first name, display name and X username of the members ``idx``."""
        f = pl.Series(self.first[idx], dtype=pl.Int64)
        ln = pl.Series(self.last[idx], dtype=pl.Int64)
        df = pl.DataFrame(
            {
                "first": self._items.gather(f),
                "last": self._items.gather(ln),
                "af": self._ascii.gather(f),
                "al": self._ascii.gather(ln),
                "i": pl.Series(idx, dtype=pl.Int64),
            }
        )
        def handle(separator: str) -> pl.Expr:
            return pl.concat_str([pl.col("af").str.slice(0, 6), _lit(separator), pl.col("al").str.slice(0, 3),
                                  pl.col("i").cast(pl.String)])

        return df.select(
            pl.col("first"),
            pl.concat_str([pl.col("first"), pl.col("last")], separator=" ").alias("name"),
            handle("").alias("username"),
            # on Instagram: the X handle, or the same with a dot (another handle: no link)
            pl.when(pl.Series(self.ig_same_handle[idx])).then(handle("")).otherwise(handle(".")).alias("ig_username"),
        )


def _snowflake(rng: np.random.Generator, ts: np.ndarray, group: int) -> np.ndarray:
    """X-style ids: milliseconds since the Twitter epoch << 22, then 2 bits of group and 20 bits of rank so
    ids are unique (within and across groups) and ordered by time."""
    n = ts.shape[0]
    ms = ts.astype(np.int64) * 1000 + rng.integers(0, 1000, n) - TWITTER_EPOCH_MS
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(ms, kind="stable")] = np.arange(n, dtype=np.int64)
    return (ms << 22) | (group << 20) | (rank & ((1 << 20) - 1))


def _lang_expr(col: str) -> pl.Expr:
    return pl.when(pl.col(col) == 1).then(_lit("en")).otherwise(_lit("fr"))


def _fill(text: pl.Series, placeholder: str, values: pl.Series) -> pl.Series:
    return (
        pl.DataFrame({"t": text, "v": values})
        .select(pl.col("t").str.replace(placeholder, pl.col("v"), literal=True))
        .to_series()
    )


def _order_numbers(rng: np.random.Generator, n: int) -> pl.Series:
    return "ML-" + pl.Series(rng.integers(100_000, 1_000_000, n)).cast(pl.String)


def _viral(rng: np.random.Generator, n: int, share: float = 0.03) -> np.ndarray:
    """Engagement multiplier: 1 for most contents, a heavy (Pareto) boost for a few viral ones."""
    return np.where(rng.random(n) < share, np.minimum(1.0 + rng.pareto(1.6, n) * 6.0, 80.0), 1.0)


def _day_of(ts: np.ndarray | pl.Expr, start_ts: int):
    return (ts - start_ts) // DAY


# ------------------------------------------------------------------------------------------------------------
# Re-deliveries of the brand's contents (the connectors' refresh windows)
# ------------------------------------------------------------------------------------------------------------
# Counters grow as 1 - exp(-age / tau), tau drawn per content around this median (most of a post's reactions
# come in its first day or two, a tail after).
_GROWTH_TAU_S = 1.5 * DAY


def _redelivery_days(day: np.ndarray, window: np.ndarray, days: int) -> tuple[np.ndarray, ...]:
    """One row per content and file day it is delivered in: from its own day through ``window`` days (cut at
    the data's last day). Returns (content index, file day, is its last delivery)."""
    last = np.minimum(day + window - 1, days - 1)
    k = last - day + 1
    rep = np.repeat(np.arange(day.shape[0]), k)
    d = day[rep] + np.arange(rep.shape[0]) - np.repeat(np.cumsum(k) - k, k)
    return rep, d, d == last[rep]


def _growth(
    rng: np.random.Generator, ts: np.ndarray, rep: np.ndarray, d: np.ndarray, start_ts: int
) -> np.ndarray:
    """Share of its final counters a content shows at the end of file day ``d`` (below 1)."""
    tau = rng.lognormal(np.log(_GROWTH_TAU_S), 0.5, ts.shape[0])
    age = start_ts + (d + 1) * DAY - ts[rep]
    return -np.expm1(-age / tau[rep])


def _grown(final: np.ndarray, share: np.ndarray, is_last: np.ndarray) -> np.ndarray:
    """The counter at each delivery: its final value on the last one, the floor of its share before."""
    return np.where(is_last, final, np.floor(final * share).astype(np.int64))


def _counted_until(owner: np.ndarray, owner_day: np.ndarray, n: int, days: int) -> np.ndarray:
    """[content, file day] -> items (comments, replies) of the content written up to the end of that day."""
    counts = np.bincount(owner * days + owner_day, minlength=n * days).reshape(n, days)
    return np.cumsum(counts, axis=1)


def _redelivered_posts(ctx: _Ctx, posts: pl.DataFrame, comments: pl.DataFrame) -> pl.DataFrame:
    """The page feed of each day: the posts of the last ``ctx.post_refresh_days`` days, counters as of that
    day's end (comment totals: the comments in the files up to that day; reach >= 1, impressions >= reach).
    The malformed posts are delivered once."""
    day, ts, objid = (posts[c].to_numpy() for c in ("day", "ts", "objid"))
    window = np.where(posts["bad"].to_numpy(), 1, ctx.post_refresh_days)
    rep, d, last = _redelivery_days(day, window, ctx.days)
    share = _growth(ctx.rng("facebook.post_growth"), ts, rep, d, ctx.start_ts)
    order = np.argsort(objid)
    owner = order[np.searchsorted(objid[order], comments["post"].to_numpy())]
    seen = _counted_until(owner, comments["day"].to_numpy(), posts.height, ctx.days)[rep, d]
    counters = ("reach", "impressions", "clicks", "reactions", "shares", "total")
    final = {c: posts[c].to_numpy()[rep] for c in counters}
    reach = np.maximum(_grown(final["reach"], share, last), 1)
    return (
        posts[rep]
        .with_columns(
            day=pl.Series(d, dtype=pl.Int64),
            reach=reach,
            impressions=np.maximum(_grown(final["impressions"], share, last), reach),
            clicks=_grown(final["clicks"], share, last),
            reactions=_grown(final["reactions"], share, last),
            shares=_grown(final["shares"], share, last),
            total=np.where(last, final["total"], seen),
        )
        .sort(["day", "ts", "objid"], descending=[False, True, True])
    )


def _redelivered_tweets(
    ctx: _Ctx,
    tweets: pl.DataFrame,
    replies: tuple[np.ndarray, np.ndarray],
    quotes: tuple[np.ndarray, np.ndarray],
) -> pl.DataFrame:
    """The brand's timeline of each day: its tweets of the last ``ctx.tweet_refresh_days`` days, metrics as
    of that day's end (reply and quote counts: the member tweets in the files up to that day). ``replies`` and
    ``quotes`` are (index of the tweet in ``tweets``, file day) of each member reply and quote."""
    ts = tweets["ts"].to_numpy()
    day = _day_of(ts, ctx.start_ts)
    rep, d, last = _redelivery_days(day, np.full(ts.shape[0], ctx.tweet_refresh_days), ctx.days)
    share = _growth(ctx.rng("x.tweet_growth"), ts, rep, d, ctx.start_ts)
    grown = {c: _grown(tweets[c].to_numpy()[rep], share, last) for c in ("rt", "lc", "bc", "ic")}
    counted = {
        c: np.where(last, tweets[c].to_numpy()[rep], _counted_until(*items, tweets.height, ctx.days)[rep, d])
        for c, items in (("rc", replies), ("qc", quotes))
    }
    return (
        tweets[rep]
        .with_columns(day=pl.Series(d, dtype=pl.Int64), **grown, **counted)
        .select(_X_COLUMNS)
        .sort(["day", "id_int"], descending=[False, True])
    )


# ------------------------------------------------------------------------------------------------------------
# Facebook
# ------------------------------------------------------------------------------------------------------------
_STATUS_TYPES = ("added_photos", "added_video", "shared_story", "mobile_status_update")


def _facebook(ctx: _Ctx) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int], dict[str, int]]:
    rng = ctx.rng("facebook.posts")
    per_day = rng.poisson(1.5 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_CONTENT))
    ts = np.sort(_times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day), _HOURS_BRAND))
    n = ts.shape[0]
    status = rng.choice(4, size=n, p=[0.55, 0.15, 0.15, 0.15])
    lang = (rng.random(n) < 0.15).astype(np.int64)
    reach = np.maximum(
        1, rng.lognormal(np.log(1800), 0.8, n) * np.array([1.0, 1.5, 0.7, 0.6])[status] * _viral(rng, n)
    ).astype(np.int64)
    impressions = reach + (reach * rng.gamma(2.0, 0.18, n)).astype(np.int64)
    reactions = rng.binomial(reach, rng.beta(2.5, 80, n))
    shares = rng.binomial(reach, rng.beta(0.6, 700, n))
    clicks = rng.binomial(impressions, np.minimum(rng.beta(2, 90, n) * np.where(status == 2, 2.5, 1.0), 1.0))
    n_comments = rng.poisson(13.0 * reach / 3100.0 * rng.lognormal(-0.08, 0.4, n))
    objid = 122_100_000_000_000_000 + np.cumsum(rng.integers(10_000, 5_000_000, n))
    msg = ctx.texts.pick(rng, "fb_post", lang)

    # Member comments: most arrive within hours of the post, a long tail over days.
    rng = ctx.rng("facebook.comments")
    post_of = np.repeat(np.arange(n), n_comments)
    m = post_of.shape[0]
    c_ts = _thin_night(rng, ts[post_of] + 20 + rng.lognormal(np.log(2.5 * HOUR), 1.25, m).astype(np.int64))
    author = ctx.members.pick(rng, m, "facebook")
    intent = rng.choice(4, size=m, p=[0.25, 0.12, 0.45, 0.18])
    c_lang = ctx.members.lang[author]
    c_msg = ctx.texts.pick(rng, "fb_member", intent * 2 + c_lang)
    c_likes = rng.geometric(0.55, m) - 1
    answer = _respond(
        rng,
        c_ts,
        _P_NEVER[intent],
        fast_median_s=15 * MINUTE,
        slow_median_s=5 * HOUR,
        p_slow=0.2,
        p_oncall=0.3,
        oncall_median_s=40 * MINUTE,
        hours=SOCIAL_HOURS,
    )
    r_msg = ctx.texts.pick(rng, "brand_reply", intent * 2 + c_lang)
    r_likes = rng.poisson(0.4, m)
    keep = c_ts < ctx.end_ts  # not yet written at the snapshot
    post_of, c_ts, author, c_msg, c_likes, answer, r_msg, r_likes, intent = (
        a[keep] for a in (post_of, c_ts, author, c_msg, c_likes, answer, r_msg, r_likes, intent)
    )
    m = post_of.shape[0]
    answered = (answer >= 0) & (answer < ctx.end_ts)
    par = np.nonzero(answered)[0]
    r = par.shape[0]
    total = np.bincount(post_of, minlength=n) + np.bincount(post_of[par], minlength=n)

    # Comment ids grow with time across member comments and page replies.
    all_ts = np.concatenate([c_ts, answer[par]])
    cid = np.empty(m + r, dtype=np.int64)
    cid[np.argsort(all_ts, kind="stable")] = 1_000_000_000_000_000 + np.cumsum(
        rng.integers(1000, 2_000_000, m + r)
    )

    # Malformed: a member comment returned without "from" (an unanswered one, so no reply points to it).
    no_from = np.zeros(m, dtype=bool)
    if ctx.malformed and m:
        cand = np.nonzero(~answered)[0]
        if cand.shape[0]:
            pick = ctx.rng("malformed.facebook_comment").choice(
                cand, size=min(MALFORMED_PER_KIND, cand.shape[0]), replace=False
            )
            no_from[pick] = True

    peer = _peer_replies(
        ctx, c_ts, author, intent, c_lang, no_from, np.concatenate([c_ts, answer[par]]), cid
    )
    total += np.bincount(post_of[peer["parent"]], minlength=n)

    mem = ctx.members.frame(author)
    member_part = pl.DataFrame(
        {
            "ts": c_ts,
            "post": objid[post_of],
            "cid": cid[:m],
            "parent": pl.Series([None] * m, dtype=pl.Int64),
            "text": _fill(ctx.text(c_msg), "{order}", _order_numbers(rng, m)),
            "from_id": pl.Series(ctx.members.fb_id[author]).cast(pl.String),
            "from_name": mem["name"],
            "likes": c_likes.astype(np.int64),
            "cc": answered.astype(np.int64) + np.bincount(peer["parent"], minlength=m),
            "no_from": no_from,
        }
    )
    page_part = pl.DataFrame(
        {
            "ts": answer[par],
            "post": objid[post_of[par]],
            "cid": cid[m:],
            "parent": cid[par],
            "text": _fill(
                ctx.text(r_msg[par]), "{first}", mem["first"].gather(pl.Series(par, dtype=pl.Int64))
            ),
            "from_id": pl.Series([PAGE_ID] * r, dtype=pl.String),
            "from_name": pl.Series([BRAND_NAME] * r, dtype=pl.String),
            "likes": r_likes[par].astype(np.int64),
            "cc": np.zeros(r, dtype=np.int64),
            "no_from": np.zeros(r, dtype=bool),
        }
    )
    p_idx = pl.Series(peer["parent"], dtype=pl.Int64)
    peer_part = pl.DataFrame(
        {
            "ts": peer["ts"],
            "post": objid[post_of[peer["parent"]]],
            "cid": peer["cid"],
            "parent": cid[peer["parent"]],
            "text": _fill(ctx.text(peer["text"]), "{first}", mem["first"].gather(p_idx)),
            "from_id": pl.Series(ctx.members.fb_id[peer["author"]]).cast(pl.String),
            "from_name": ctx.members.frame(peer["author"])["name"],
            "likes": peer["likes"],
            "cc": np.zeros(peer["ts"].shape[0], dtype=np.int64),
            "no_from": np.zeros(peer["ts"].shape[0], dtype=bool),
        }
    )
    comments = (
        pl.concat([member_part, page_part, peer_part])
        .with_columns(day=_day_of(pl.col("ts"), ctx.start_ts))
        .sort(["day", "ts", "cid"])
    )

    # Malformed: extra posts whose created_time is "not-a-date" (no comments on them).
    bad_days = ctx.malformed_days("facebook_post")
    k = bad_days.shape[0]
    mrng = ctx.rng("malformed.facebook_post.values")
    b_ts = ctx.start_ts + bad_days * DAY + 10 * HOUR + mrng.integers(0, 6 * HOUR, k)
    b_reach = mrng.integers(200, 2000, k)
    posts = (
        pl.DataFrame(
            {
                "ts": np.concatenate([ts, b_ts]),
                "objid": np.concatenate(
                    [objid, (objid.max() if n else 122_100_000_000_000_000) + 7919 * (1 + np.arange(k))]
                ),
                "text": ctx.text(
                    np.concatenate([msg, ctx.texts.pick(mrng, "fb_post", np.zeros(k, dtype=np.int64))])
                ),
                "status": pl.Series(_STATUS_TYPES).gather(
                    pl.Series(np.concatenate([status, np.zeros(k, np.int64)]))
                ),
                "reach": np.concatenate([reach, b_reach]),
                "impressions": np.concatenate([impressions, b_reach + 10]),
                "clicks": np.concatenate([clicks, np.zeros(k, np.int64)]),
                "reactions": np.concatenate([reactions, mrng.integers(0, 40, k)]),
                "shares": np.concatenate([shares, np.zeros(k, np.int64)]),
                "total": np.concatenate([total, np.zeros(k, np.int64)]),
                "bad": np.concatenate([np.zeros(n, bool), np.ones(k, bool)]),
            }
        )
        .with_columns(day=_day_of(pl.col("ts"), ctx.start_ts))
        .sort(["day", "ts", "objid"], descending=[False, True, True])
    )

    details = {
        "facebook_posts": n,
        "facebook_member_comments": m,
        "facebook_page_replies": r,
        "facebook_member_replies": int(peer["ts"].shape[0]),
    }
    malformed = {"facebook_post_bad_created_time": k, "facebook_comment_without_from": int(no_from.sum())}
    return posts, comments, details, malformed


# Members answering members ("be well surrounded"): the share of a member comment's intent that gets a reply
# from another member, and how many of the most active Facebook members do the answering.
_P_PEER_REPLY = np.array([0.35, 0.15, 0.04, 0.12])
_PEER_POOL = 30


def _peer_replies(
    ctx: _Ctx,
    c_ts: np.ndarray,
    author: np.ndarray,
    intent: np.ndarray,
    c_lang: np.ndarray,
    no_from: np.ndarray,
    all_ts: np.ndarray,
    all_cid: np.ndarray,
    platform: str = "facebook",
) -> dict[str, np.ndarray]:
    """Replies of members to other members' top-level comments on ``platform``, from their own rng stream (the
    other streams, hence the comments, ids and answers drawn before, are unchanged). Questions get most of them;
    the answerers are the platform's regulars (the most active answer most, never their own comment), in the
    thread's language.
    Ids slot in after the comment written just before (ids grow with time; the generator's gaps are >= 1000).
    ``parent`` indexes the member comments, ``text`` the text pool (``{first}``: the asker's first name)."""
    rng = ctx.rng(f"{platform}.peer_replies")
    m = c_ts.shape[0]
    asked = rng.random(m) < _P_PEER_REPLY[intent]
    parent = np.flatnonzero(asked & ~no_from)  # a comment returned without "from" gets no reply
    k = parent.shape[0]
    pool = min(max(10, round(_PEER_POOL * ctx.scale)), ctx.members.n - 1)
    who = ctx.members.regulars(rng, k, platform, pool)
    # never one's own comment: the next regular answers instead
    who = np.where(who == author[parent], ctx.members.regulars(rng, k, platform, pool), who)
    who = np.where(who == author[parent], (who + 1) % ctx.members.n, who)
    ts = _thin_night(rng, c_ts[parent] + 120 + rng.lognormal(np.log(1.5 * HOUR), 1.1, k).astype(np.int64))
    text = ctx.texts.pick(rng, "peer_reply", intent[parent] * 2 + c_lang[parent])
    likes = (rng.geometric(0.6, k) - 1).astype(np.int64)
    keep = ts < ctx.end_ts  # not yet written at the snapshot
    parent, who, ts, text, likes = (a[keep] for a in (parent, who, ts, text, likes))
    # ids: the id of the latest comment written at or before the reply, plus the reply's rank in that slot
    order = np.argsort(all_ts, kind="stable")
    slot = np.searchsorted(all_ts[order], ts, side="right") - 1
    base = np.where(slot >= 0, all_cid[order][np.maximum(slot, 0)], 1_000_000_000_000_000)
    by_time = np.lexsort((parent, ts))
    rank = np.empty(ts.shape[0], dtype=np.int64)
    sorted_slot = slot[by_time]
    first_of_slot = np.searchsorted(sorted_slot, sorted_slot, side="left")
    rank[by_time] = np.arange(ts.shape[0]) - first_of_slot + 1
    assert rank.shape[0] == 0 or rank.max() < 1000
    return {"parent": parent, "author": who, "ts": ts, "cid": base + rank, "text": text, "likes": likes}


def _insight(name: str, title: str, value: str) -> list:
    return [
        f'{{"name":"{name}","period":"lifetime","values":[{{"value":',
        pl.col(value),
        f'}}],"title":"{title}","id":"{PAGE_ID}_',
        pl.col("objid"),
        f'/insights/{name}/lifetime"}}',
    ]


_FB_POST_JSON = _obj(
    ("id", _cat(f'"{PAGE_ID}_', pl.col("objid"), '"')),
    ("created_time", _jstr(pl.when(pl.col("bad")).then(_lit("not-a-date")).otherwise(_ts("ts", FB_TIME)))),
    ("message", _jstr(pl.col("text"))),
    ("permalink_url", _cat(f'"https://www.facebook.com/{PAGE_ID}/posts/', pl.col("objid"), '/"')),
    ("status_type", _cat('"', pl.col("status"), '"')),
    ("from", _jraw({"id": PAGE_ID, "name": BRAND_NAME})),
    ("shares", _cat('{"count":', pl.col("shares"), "}"), pl.col("shares") > 0),
    (
        "reactions",
        _cat('{"data":[],"summary":{"total_count":', pl.col("reactions"), ',"viewer_reaction":"NONE"}}'),
    ),
    (
        "comments",
        _cat(
            '{"data":[],"summary":{"order":"ranked","total_count":', pl.col("total"), ',"can_comment":true}}'
        ),
    ),
    (
        "insights",
        _cat(
            '{"data":[',
            *_insight("post_impressions", "Lifetime Post Total Impressions", "impressions"),
            ",",
            *_insight("post_impressions_unique", "Lifetime Post Total Reach", "reach"),
            ",",
            *_insight("post_clicks", "Lifetime Post Clicks", "clicks"),
            "]}",
        ),
    ),
)

_FB_COMMENT_JSON = _obj(
    ("id", _cat('"', pl.col("post"), "_", pl.col("cid"), '"')),
    ("created_time", _jstr(_ts("ts", FB_TIME))),
    ("message", _jstr(pl.col("text"))),
    (
        "from",
        _cat('{"id":', _jstr(pl.col("from_id")), ',"name":', _jstr(pl.col("from_name")), "}"),
        ~pl.col("no_from"),
    ),
    ("like_count", pl.col("likes")),
    ("comment_count", pl.col("cc")),
    (
        "permalink_url",
        _cat(
            f'"https://www.facebook.com/{PAGE_ID}/posts/', pl.col("post"), "/?comment_id=", pl.col("cid"), '"'
        ),
    ),
    ("parent", _cat('{"id":"', pl.col("post"), "_", pl.col("parent"), '"}'), pl.col("parent").is_not_null()),
)


# Facebook page audience (page insights page_follows, period day), from its own rng stream (the other streams,
# and every number pinned on them, do not move): the page's followers at the end of each UTC day.
def _facebook_page_follows(ctx: _Ctx) -> np.ndarray:
    rng = ctx.rng("facebook.page_follows")
    gained = rng.poisson(24.0 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_CONTENT))
    lost = rng.poisson(7.0 * ctx.scale, ctx.days)
    return round(18_000 * ctx.scale) + np.cumsum(gained - lost)


def _render_fb_page_follows(followers: int, day: date) -> str:
    """GET /{page-id}/insights?metric=page_follows&period=day for one day: Meta's day value ends at midnight
    Pacific time, i.e. end_time 07:00 UTC the next day (summer time)."""
    end_time = f"{(day + timedelta(days=1)).isoformat()}T07:00:00+0000"
    return json.dumps(
        {
            "data": [
                {
                    "name": "page_follows",
                    "period": "day",
                    "values": [{"value": int(followers), "end_time": end_time}],
                    "title": "Daily Page Follows",
                    "description": "Daily: The number of followers of your Facebook Page.",
                    "id": f"{PAGE_ID}/insights/page_follows/day",
                }
            ]
        },
        ensure_ascii=False,
    )


def _cursor(value: str) -> str:
    return base64.b64encode(value.encode()).decode().rstrip("=")


def _render_fb_posts(part: pl.DataFrame, day: date) -> str:
    if part.height == 0:
        return '{"data":[]}'
    first, last = part["objid"][0], part["objid"][-1]
    return (
        '{"data":['
        + _join_json(part, _FB_POST_JSON)
        + '],"paging":{"cursors":{"before":"'
        + _cursor(f"{PAGE_ID}_{first}")
        + '","after":"'
        + _cursor(f"{PAGE_ID}_{last}")
        + '"}}}'
    )


def _render_fb_comments(part: pl.DataFrame, day: date) -> str:
    return '{"data":[' + _join_json(part, _FB_COMMENT_JSON) + "]}"


# ------------------------------------------------------------------------------------------------------------
# X
# ------------------------------------------------------------------------------------------------------------
_X_COLUMNS = (
    "day",
    "ts",
    "id_int",
    "id",
    "text",
    "lang",
    "author_id",
    "author_name",
    "author_username",
    "conv",
    "in_reply_to",
    "ref_type",
    "ref_id",
    "rt",
    "rc",
    "lc",
    "qc",
    "bc",
    "ic",
)


def _x_frame(**cols) -> pl.DataFrame:
    n = len(cols["ts"])
    for key in ("in_reply_to", "ref_type", "ref_id"):
        if key not in cols:
            cols[key] = pl.Series([None] * n, dtype=pl.String)
    df = pl.DataFrame(cols)
    return df.with_columns(
        id=pl.col("id").cast(pl.String) if "id" in cols else pl.col("id_int").cast(pl.String),
        conv=pl.col("conv").cast(pl.String),
        lang=_lang_expr("lang"),
        **{c: pl.col(c).cast(pl.Int64) for c in ("rt", "rc", "lc", "qc", "bc", "ic")},
    )


def _x(ctx: _Ctx) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, int], dict[str, int]]:
    members = ctx.members
    # Brand originals.
    rng = ctx.rng("x.tweets")
    per_day = rng.poisson(3.0 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_CONTENT))
    ts = np.sort(_times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day), _HOURS_BRAND))
    n = ts.shape[0]
    lang = (rng.random(n) < 0.3).astype(np.int64)
    imp = np.maximum(1, rng.lognormal(np.log(900), 0.9, n) * _viral(rng, n)).astype(np.int64)
    likes = rng.binomial(imp, rng.beta(2, 90, n))
    retweets = rng.binomial(imp, rng.beta(1, 500, n))
    bookmarks = rng.binomial(imp, rng.beta(1, 900, n))
    rel = imp / 1750.0 * rng.lognormal(-0.08, 0.4, n)
    n_rep = rng.poisson(2.7 * rel)
    n_quote = rng.poisson(0.2 * rel)
    msg = ctx.texts.pick(rng, "tweet", lang)
    tid = _snowflake(rng, ts, 0)

    # Member mentions: replies to brand tweets, quotes of brand tweets, standalone mentions.
    rng = ctx.rng("x.mentions")
    tgt_r = np.repeat(np.arange(n), n_rep)
    ts_r = _thin_night(
        rng, ts[tgt_r] + 15 + rng.lognormal(np.log(1.5 * HOUR), 1.2, tgt_r.shape[0]).astype(np.int64)
    )
    tgt_q = np.repeat(np.arange(n), n_quote)
    ts_q = _thin_night(
        rng, ts[tgt_q] + 60 + rng.lognormal(np.log(3 * HOUR), 1.2, tgt_q.shape[0]).astype(np.int64)
    )
    per_day_s = rng.poisson(10.0 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_SOCIAL))
    ts_s = _times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day_s), _HOURS_MEMBERS)
    kind = np.concatenate([np.zeros_like(tgt_r), np.ones_like(tgt_q), np.full(ts_s.shape[0], 2)])
    tgt = np.concatenate([tgt_r, tgt_q, np.full(ts_s.shape[0], -1)])
    mts = np.concatenate([ts_r, ts_q, ts_s])
    keep = mts < ctx.end_ts
    kind, tgt, mts = kind[keep], tgt[keep], mts[keep]
    mm = mts.shape[0]
    author = members.pick(rng, mm, "x")
    mlang = members.lang[author]
    intent = np.select(
        [kind == 0, kind == 1],
        [rng.choice(4, size=mm, p=[0.3, 0.1, 0.45, 0.15]), rng.choice([2, 3], size=mm, p=[0.7, 0.3])],
        rng.choice(4, size=mm, p=[0.35, 0.25, 0.3, 0.1]),
    )
    m_msg = np.select(
        [kind == 0, kind == 1],
        [ctx.texts.pick(rng, "x_reply", intent * 2 + mlang), ctx.texts.pick(rng, "x_quote", mlang)],
        ctx.texts.pick(rng, "x_standalone", intent * 2 + mlang),
    )
    m_likes = rng.poisson(0.5, mm)
    m_rts = (rng.random(mm) < 0.03).astype(np.int64)
    m_imp = 1 + rng.lognormal(np.log(40), 1.0, mm).astype(np.int64)
    answer = _respond(
        rng,
        mts,
        np.minimum(_P_NEVER[intent] * 1.15, 1.0),
        fast_median_s=20 * MINUTE,
        slow_median_s=6 * HOUR,
        p_slow=0.25,
        p_oncall=0.25,
        oncall_median_s=45 * MINUTE,
        hours=SOCIAL_HOURS,
    )
    r_msg = ctx.texts.pick(rng, "brand_reply", intent * 2 + mlang)
    r_likes = rng.poisson(0.8, mm)
    r_imp = 1 + rng.lognormal(np.log(60), 0.8, mm).astype(np.int64)
    answered = (answer >= 0) & (answer < ctx.end_ts)

    # Malformed: extra standalone mentions returned without "id" (never answered).
    bad_days = ctx.malformed_days("x_mention")
    k = bad_days.shape[0]
    if k:
        mrng = ctx.rng("malformed.x_mention.values")
        b_author = members.pick(mrng, k, "x")
        mts = np.concatenate([mts, ctx.start_ts + bad_days * DAY + 14 * HOUR + mrng.integers(0, 4 * HOUR, k)])
        kind, tgt = np.concatenate([kind, np.full(k, 2)]), np.concatenate([tgt, np.full(k, -1)])
        author = np.concatenate([author, b_author])
        mlang = np.concatenate([mlang, members.lang[b_author]])
        m_msg = np.concatenate([m_msg, ctx.texts.pick(mrng, "x_standalone", members.lang[b_author])])
        m_likes, m_rts, m_imp = (np.concatenate([a, np.zeros(k, np.int64)]) for a in (m_likes, m_rts, m_imp))
        answered = np.concatenate([answered, np.zeros(k, bool)])
        answer = np.concatenate([answer, np.full(k, -1)])
        r_msg, r_likes, r_imp = (np.concatenate([a, np.zeros(k, a.dtype)]) for a in (r_msg, r_likes, r_imp))
    mm = mts.shape[0]
    noid = np.zeros(mm, dtype=bool)
    noid[mm - k :] = True
    mid = _snowflake(rng, mts, 1)
    target_id = np.append(tid, -1)[tgt]  # tgt == -1 (standalone) -> -1
    conv = np.where(kind == 0, target_id, mid)
    reply_count = np.bincount(tgt[kind == 0], minlength=n)
    quote_count = np.bincount(tgt[kind == 1], minlength=n)

    mem = members.frame(author)
    ref_type = np.select([kind == 0, kind == 1], ["replied_to", "quoted"], "")
    mentions = _x_frame(
        ts=mts,
        id_int=mid,
        text=_fill(ctx.text(m_msg), "{order}", _order_numbers(rng, mm)),
        lang=mlang,
        author_id=pl.Series(members.x_id[author]).cast(pl.String),
        author_name=mem["name"],
        author_username=mem["username"],
        conv=conv,
        in_reply_to=pl.Series(np.where(kind == 0, X_BRAND_ID, "")).replace("", None),
        ref_type=pl.Series(ref_type).replace("", None),
        ref_id=pl.Series(np.where(kind < 2, target_id, -1)).cast(pl.String).replace("-1", None),
        rt=m_rts,
        rc=answered.astype(np.int64),
        lc=m_likes,
        qc=np.zeros(mm, np.int64),
        bc=np.zeros(mm, np.int64),
        ic=m_imp,
    ).with_columns(id=pl.when(pl.Series(noid)).then(None).otherwise(pl.col("id")))

    # Brand replies to members.
    par = np.nonzero(answered)[0]
    r = par.shape[0]
    pix = pl.Series(par, dtype=pl.Int64)
    reply_text = (
        pl.DataFrame(
            {
                "u": mem["username"].gather(pix),
                "t": _fill(ctx.text(r_msg[par]), "{first}", mem["first"].gather(pix)),
            }
        )
        .select(pl.concat_str([_lit("@"), pl.col("u"), _lit(" "), pl.col("t")]))
        .to_series()
    )
    brand = {"author_id": X_BRAND_ID, "author_name": BRAND_NAME, "author_username": X_BRAND_USERNAME}
    originals = _x_frame(
        ts=ts,
        id_int=tid,
        text=ctx.text(msg),
        lang=lang,
        conv=tid,
        rt=retweets,
        rc=reply_count,
        lc=likes,
        qc=quote_count,
        bc=bookmarks,
        ic=imp,
        **{c: pl.Series([v] * n, dtype=pl.String) for c, v in brand.items()},
    )
    rid = _snowflake(rng, answer[par], 2)
    replies = _x_frame(
        ts=answer[par],
        id_int=rid,
        text=reply_text,
        lang=mlang[par],
        conv=conv[par],
        in_reply_to=pl.Series(members.x_id[author[par]]).cast(pl.String),
        ref_type=pl.Series(["replied_to"] * r, dtype=pl.String),
        ref_id=pl.Series(mid[par]).cast(pl.String),
        rt=np.zeros(r, np.int64),
        rc=np.zeros(r, np.int64),
        lc=r_likes[par],
        qc=np.zeros(r, np.int64),
        bc=np.zeros(r, np.int64),
        ic=r_imp[par],
        **{c: pl.Series([v] * r, dtype=pl.String) for c, v in brand.items()},
    )
    tweets = pl.concat([originals.select(_X_COLUMNS[1:]), replies.select(_X_COLUMNS[1:])])

    # Listening search: every brand mention plus mentions of the two competitors.
    rng = ctx.rng("x.search")
    per_day_c = rng.poisson(12.0 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_SOCIAL))
    ts_c = _times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day_c), _HOURS_MEMBERS)
    c = ts_c.shape[0]
    comp = (rng.random(c) < 0.4).astype(np.int64)
    c_author = members.pick(rng, c, "x")
    c_lang = members.lang[c_author]
    c_msg = ctx.texts.pick(rng, "competitor", comp * 2 + c_lang)
    cid = _snowflake(rng, ts_c, 3)
    cmem = members.frame(c_author)
    competitor = _x_frame(
        ts=ts_c,
        id_int=cid,
        text=ctx.text(c_msg),
        lang=c_lang,
        author_id=pl.Series(members.x_id[c_author]).cast(pl.String),
        author_name=cmem["name"],
        author_username=cmem["username"],
        conv=cid,
        rt=rng.poisson(0.2, c),
        rc=rng.poisson(0.3, c),
        lc=rng.poisson(1.5, c),
        qc=np.zeros(c, np.int64),
        bc=np.zeros(c, np.int64),
        ic=1 + rng.lognormal(np.log(80), 1.0, c).astype(np.int64),
    )
    search = pl.concat(
        [
            mentions.filter(pl.col("id").is_not_null()).select(_X_COLUMNS[1:]),
            competitor.select(_X_COLUMNS[1:]),
        ]
    )

    def finish(df: pl.DataFrame) -> pl.DataFrame:  # newest first within a day, as the API pages
        return (
            df.with_columns(day=_day_of(pl.col("ts"), ctx.start_ts))
            .select(_X_COLUMNS)
            .sort(["day", "id_int"], descending=[False, True])
        )

    details = {
        "x_brand_originals": n,
        "x_brand_replies": r,
        "x_member_mentions": mm - k,
        "x_member_replies_to_brand": int((kind == 0).sum()),
        "x_quotes_of_brand": int((kind == 1).sum()),
        "x_competitor_mentions": c,
    }
    by_day = _day_of(mts, ctx.start_ts)
    tweets = _redelivered_tweets(
        ctx, tweets, (tgt[kind == 0], by_day[kind == 0]), (tgt[kind == 1], by_day[kind == 1])
    )
    return tweets, finish(mentions), finish(search), details, {"x_mention_without_id": k}


_X_TWEET_JSON = _obj(
    ("id", _jstr(pl.col("id")), pl.col("id").is_not_null()),
    ("text", _jstr(pl.col("text"))),
    ("created_at", _jstr(_ts("ts", X_TIME))),
    ("author_id", _jstr(pl.col("author_id"))),
    ("conversation_id", _jstr(pl.col("conv"))),
    ("lang", _jstr(pl.col("lang"))),
    ("in_reply_to_user_id", _jstr(pl.col("in_reply_to")), pl.col("in_reply_to").is_not_null()),
    (
        "referenced_tweets",
        _cat('[{"type":"', pl.col("ref_type"), '","id":"', pl.col("ref_id"), '"}]'),
        pl.col("ref_type").is_not_null(),
    ),
    (
        "public_metrics",
        _cat(
            '{"retweet_count":',
            pl.col("rt"),
            ',"reply_count":',
            pl.col("rc"),
            ',"like_count":',
            pl.col("lc"),
            ',"quote_count":',
            pl.col("qc"),
            ',"bookmark_count":',
            pl.col("bc"),
            ',"impression_count":',
            pl.col("ic"),
            "}",
        ),
    ),
    ("edit_history_tweet_ids", _cat('["', pl.col("id"), '"]'), pl.col("id").is_not_null()),
)
_X_USER_JSON = _obj(
    ("id", _jstr(pl.col("author_id"))),
    ("name", _jstr(pl.col("author_name"))),
    ("username", _jstr(pl.col("author_username"))),
)


def _render_x(part: pl.DataFrame, day: date) -> str:
    if part.height == 0:
        return '{"meta":{"result_count":0}}'
    users = part.select("author_id", "author_name", "author_username").unique(
        subset="author_id", maintain_order=True
    )
    ids = part["id"].drop_nulls()
    meta = f'{{"result_count":{part.height}'
    if ids.len():
        meta += f',"newest_id":"{ids[0]}","oldest_id":"{ids[-1]}"'
    return (
        '{"data":['
        + _join_json(part, _X_TWEET_JSON)
        + '],"includes":{"users":['
        + _join_json(users, _X_USER_JSON)
        + ']},"meta":'
        + meta
        + "}}"
    )


# ------------------------------------------------------------------------------------------------------------
# Zendesk
# ------------------------------------------------------------------------------------------------------------
_ZD_CHANNELS = ("email", "web", "chat", "facebook", "twitter", "api")
_PRIORITIES = ("low", "normal", "high", "urgent")
_STATUSES = ("new", "open", "pending", "solved", "closed")
_AGENT_WEIGHTS = np.array([0.2, 0.18, 0.15, 0.12, 0.1, 0.08, 0.07, 0.06, 0.04])


def _nullable(values: np.ndarray, valid: np.ndarray) -> pl.Series:
    return (
        pl.Series(np.where(valid, values, 0), dtype=pl.Int64).scatter(np.nonzero(~valid)[0], None)
        if (~valid).any()
        else pl.Series(values, dtype=pl.Int64)
    )


def _zendesk(ctx: _Ctx) -> tuple[pl.DataFrame, dict[str, int], dict[str, int]]:
    rng = ctx.rng("zendesk.tickets")
    end = ctx.end_ts
    per_day = rng.poisson(15.0 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_TICKETS))
    ts = np.sort(_times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day), _HOURS_TICKETS))
    n = ts.shape[0]
    requester = ctx.members.pick(rng, n, "zendesk")
    lang = ctx.members.lang[requester]
    topic = rng.choice(len(TICKET_TOPICS), size=n, p=_TICKET_TOPIC_P)
    channel = rng.choice(len(_ZD_CHANNELS), size=n, p=[0.42, 0.3, 0.1, 0.08, 0.05, 0.05])
    priority = np.where(
        (topic == 1) & (rng.random(n) < 0.5), 2, rng.choice(4, size=n, p=[0.2, 0.6, 0.15, 0.05])
    )
    ttype = np.where(rng.random(n) < 0.04, "problem", np.array(_TICKET_TYPE)[topic])
    subject = ctx.texts.pick(rng, "ticket_subject", topic * 2 + lang)
    description = ctx.texts.pick(rng, "ticket_description", topic * 2 + lang)

    # First public reply (business-time model), in whole calendar minutes as Zendesk reports it.
    p_never = 0.06 + 0.12 * (topic == 6) + 0.10 * (topic == 5)
    answer = _respond(
        rng,
        ts,
        p_never,
        fast_median_s=60 * MINUTE,
        slow_median_s=5 * HOUR,
        p_slow=0.25,
        p_oncall=0.05,
        oncall_median_s=30 * MINUTE,
    )
    never = answer < 0
    cal = np.where(never, 0, np.maximum(1, -((ts - answer) // MINUTE)))
    reply_at = ts + cal * MINUTE
    answered = ~never & (reply_at < end)
    bus = (_business_clock(reply_at) - _business_clock(ts) + 30) // MINUTE

    # Resolution, reopening, closing (4 days after solving), spam closed without a reply.
    solve1 = reply_at + rng.lognormal(np.log(18 * HOUR), 1.0, n).astype(np.int64)
    reopen = rng.random(n) < 0.06
    solve2 = np.where(reopen, solve1 + rng.lognormal(np.log(40 * HOUR), 0.7, n).astype(np.int64), solve1)
    spam_at = ts + 30 * MINUTE + rng.lognormal(np.log(6 * HOUR), 0.8, n).astype(np.int64)
    solved1 = answered & (solve1 < end)
    final_solved = answered & (solve2 < end)
    closed_at = solve2 + 4 * DAY
    is_closed = final_solved & (closed_at < end)
    reopened_now = answered & reopen & solved1 & ~final_solved
    spam = never & (spam_at < end)
    status = np.select(
        [
            is_closed,
            final_solved,
            reopened_now,
            answered & (rng.random(n) < 0.45),
            answered,
            spam,
            rng.random(n) < 0.4,
        ],
        [4, 3, 1, 2, 1, 4, 1],
        0,
    )
    has_agent = status != 0
    assigned_at = np.maximum(ts + 30, ts + 60 + rng.lognormal(np.log(25 * MINUTE), 1.0, n).astype(np.int64))
    assigned_at = np.minimum(np.where(answered, np.minimum(assigned_at, reply_at - 30), assigned_at), end - 1)
    assigned_at = np.maximum(assigned_at, ts + 1)
    assignee = np.array(AGENT_IDS)[rng.choice(len(AGENT_IDS), size=n, p=_AGENT_WEIGHTS)]
    solved_at = np.where(final_solved, solve2, spam_at)
    has_solved = final_solved | spam
    first_res = np.where(solved1, solve1, spam_at)
    has_first_res = solved1 | spam
    events = [
        np.where(has_agent, assigned_at, ts),
        np.where(answered, reply_at, ts),
        np.where(solved1, solve1, ts),
        np.where(has_solved, solved_at, ts),
        np.where(is_closed, closed_at, ts),
    ]
    updated = np.maximum.reduce(events)
    replies = np.where(answered, 1 + rng.poisson(np.where(final_solved, 0.9, 0.3)), 0)
    latest_comment = np.where(final_solved, solve2, np.where(answered, reply_at, ts))
    rated = answered & (status >= 3) & (rng.random(n) < 0.35)
    bad_score = rng.random(n) < 0.07 + 0.2 * (cal > 24 * 60) + 0.15 * (topic == 1)
    sat = np.where(rated, np.where(bad_score, 2, 1), 0)
    tag_code = topic * 4 + lang * 2 + spam.astype(np.int64)
    tag_pool = [
        json.dumps([tp, f"lang_{lg}"] + (["spam"] if sp else []))
        for tp in TICKET_TOPICS
        for lg in ("fr", "en")
        for sp in (False, True)
    ]
    bclock = _business_clock
    tid = 10_001 + np.arange(n, dtype=np.int64)
    requester_ids, via_from = _zendesk_senders(ctx, requester, channel)

    tickets = pl.DataFrame(
        {
            "id": tid,
            "ts": ts,
            "updated": updated,
            "type": ttype,
            "subject": ctx.text(subject),
            "description": ctx.text(description),
            "order_no": _order_numbers(rng, n),
            "priority": pl.Series(_PRIORITIES).gather(pl.Series(priority)),
            "status": pl.Series(_STATUSES).gather(pl.Series(status)),
            "channel": pl.Series(_ZD_CHANNELS).gather(pl.Series(channel)),
            "requester_id": requester_ids,
            "via_from": via_from,
            "assignee_id": _nullable(assignee, has_agent),
            "tags": pl.Series(tag_pool).gather(pl.Series(tag_code)),
            "sat": pl.Series(["null", '{"score":"good"}', '{"score":"bad"}']).gather(pl.Series(sat)),
            "bad": np.zeros(n, dtype=bool),
            "metric_id": 360_000_000_000 + tid * 7,
            "replies": replies.astype(np.int64),
            "reopens": (reopen & solved1).astype(np.int64),
            "stations": np.where(has_agent, 1 + (rng.random(n) < 0.1), 0).astype(np.int64),
            "reply_at": _nullable(reply_at, answered),
            "reply_cal": _nullable(cal, answered),
            "reply_bus": _nullable(bus, answered),
            "assigned_at": _nullable(assigned_at, has_agent),
            "solved_at": _nullable(solved_at, has_solved),
            "first_res_cal": _nullable((first_res - ts) // MINUTE, has_first_res),
            "first_res_bus": _nullable((bclock(first_res) - bclock(ts)) // MINUTE, has_first_res),
            "full_res_cal": _nullable((solved_at - ts) // MINUTE, has_solved),
            "full_res_bus": _nullable((bclock(solved_at) - bclock(ts)) // MINUTE, has_solved),
            "latest_comment": latest_comment,
        }
    ).with_columns(
        subject=pl.col("subject").str.replace("{order}", pl.col("order_no"), literal=True),
        description=pl.col("description").str.replace("{order}", pl.col("order_no"), literal=True),
    )

    # Malformed: extra tickets exported with "created_at": null (and no metric set).
    bad_days = ctx.malformed_days("zendesk_ticket")
    k = bad_days.shape[0]
    if k and n:
        mrng = ctx.rng("malformed.zendesk_ticket.values")
        b_ts = ctx.start_ts + bad_days * DAY + 9 * HOUR + mrng.integers(0, 8 * HOUR, k)
        bad = tickets.gather(mrng.integers(0, n, k)).with_columns(
            id=pl.Series(tid[-1] + 1 + np.arange(k)),
            ts=pl.Series(b_ts),
            updated=pl.Series(b_ts),
            status=_lit("new"),
            assignee_id=pl.lit(None, dtype=pl.Int64),
            sat=_lit("null"),
            bad=pl.lit(True),
        )
        tickets = pl.concat([tickets, bad])
    else:
        k = 0
    tickets = tickets.with_columns(day=_day_of(pl.col("ts"), ctx.start_ts)).sort(["day", "ts", "id"])
    details = {
        "zendesk_tickets": n,
        "zendesk_metric_sets": n,
        "zendesk_tickets_answered": int(answered.sum()),
    }
    return tickets, details, {"zendesk_ticket_null_created_at": k}


# Identity resolution (README, "Members and community health"), fixed ids so that the reviewed decisions of
# pipelines/demo/identity_reviews.csv apply to any seed: two people of one household write from one address
# (the same_email rule joins them, a reviewed unmerge parts them), one person has two helpdesk accounts that no
# rule can join (a web ticket, an e-mail ticket from another address: a reviewed merge joins them).
ZD_HOUSEHOLD_IDS = (3_799_000_000_001, 3_799_000_000_002)
ZD_HOUSEHOLD_EMAIL = "famille.martin@example.org"
ZD_TWO_ACCOUNTS_IDS = (3_799_000_000_003, 3_799_000_000_004)


def _zendesk_senders(ctx: _Ctx, requester: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """Requester ids and the JSON of via.source.from of each ticket, from their own rng stream (the other streams,
    hence every pinned number, are unchanged): an e-mail ticket carries the sender's address (a few capitalised:
    addresses are compared lowercased), most X tickets the sender's X username (the same person's X account)."""
    rng = ctx.rng("zendesk.identity")
    n = requester.shape[0]
    ids = ctx.members.zd_id[requester].astype(np.int64).copy()
    mem = ctx.members.frame(requester)
    address = (mem["username"] + "@example.org").to_numpy().astype(object)
    address = np.where(rng.random(n) < 0.2, address, np.char.lower(address.astype(str))).astype(object)
    is_email = channel == _ZD_CHANNELS.index("email")
    is_x = (channel == _ZD_CHANNELS.index("twitter")) & (rng.random(n) < 0.8)
    email_rows = np.flatnonzero(is_email)
    web_rows = np.flatnonzero(channel == _ZD_CHANNELS.index("web"))
    if email_rows.shape[0] >= 6 and web_rows.shape[0] >= 1:
        picked = rng.choice(email_rows, size=5, replace=False)
        ids[picked[:4]] = np.repeat(np.array(ZD_HOUSEHOLD_IDS), 2)
        address[picked[:4]] = ZD_HOUSEHOLD_EMAIL
        ids[picked[4]] = ZD_TWO_ACCOUNTS_IDS[0]
        address[picked[4]] = "claire.dubois@example.org"
        ids[rng.choice(web_rows)] = ZD_TWO_ACCOUNTS_IDS[1]
    frame = pl.DataFrame({"address": pl.Series(address, dtype=pl.String), "name": mem["name"],
                          "username": mem["username"], "email": pl.Series(is_email), "x": pl.Series(is_x)})
    via_from = frame.select(
        pl.when(pl.col("email"))
        .then(_cat('{"address":', _jstr(pl.col("address")), ',"name":', _jstr(pl.col("name")), "}"))
        .when(pl.col("x"))
        .then(_cat('{"username":', _jstr(pl.col("username")), ',"name":', _jstr(pl.col("name")),
                   ',"profile_url":', _jstr("https://x.com/" + pl.col("username")), "}"))
        .otherwise(_lit("{}"))
        .alias("via_from")
    )["via_from"]
    return ids, via_from


def _zts(col: str) -> pl.Expr:
    return _jstr(pl.from_epoch(pl.col(col), time_unit="s").dt.strftime(ZD_TIME))


def _minutes(cal: str, bus: str) -> pl.Expr:
    return _cat('{"calendar":', _jnum(pl.col(cal)), ',"business":', _jnum(pl.col(bus)), "}")


_ZD_TICKET_JSON = _obj(
    ("url", _cat(f'"{ZENDESK_BASE}/tickets/', pl.col("id"), '.json"')),
    ("id", pl.col("id")),
    ("external_id", _lit("null")),
    ("via", _cat('{"channel":"', pl.col("channel"), '","source":{"from":', pl.col("via_from"), ',"to":{},"rel":null}}')),
    (
        "created_at",
        _jstr(
            pl.when(pl.col("bad"))
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.from_epoch(pl.col("ts"), time_unit="s").dt.strftime(ZD_TIME))
        ),
    ),
    ("updated_at", _zts("updated")),
    ("type", _jstr(pl.col("type"))),
    ("subject", _jstr(pl.col("subject"))),
    ("raw_subject", _jstr(pl.col("subject"))),
    ("description", _jstr(pl.col("description"))),
    ("priority", _jstr(pl.col("priority"))),
    ("status", _jstr(pl.col("status"))),
    (
        "recipient",
        pl.when(pl.col("channel") == "email")
        .then(_lit('"support@maisonlumiere.example"'))
        .otherwise(_lit("null")),
    ),
    ("requester_id", pl.col("requester_id")),
    ("submitter_id", pl.col("requester_id")),
    ("assignee_id", _jnum(pl.col("assignee_id"))),
    ("organization_id", _lit("null")),
    ("group_id", pl.when(pl.col("assignee_id").is_null()).then(_lit("null")).otherwise(_lit("360000000001"))),
    ("collaborator_ids", _lit("[]")),
    ("follower_ids", _lit("[]")),
    ("email_cc_ids", _lit("[]")),
    ("forum_topic_id", _lit("null")),
    ("problem_id", _lit("null")),
    ("has_incidents", _lit("false")),
    ("is_public", _lit("true")),
    ("due_at", _lit("null")),
    ("tags", pl.col("tags")),
    ("custom_fields", _lit("[]")),
    ("satisfaction_rating", pl.col("sat")),
    ("sharing_agreement_ids", _lit("[]")),
    ("fields", _lit("[]")),
    ("followup_ids", _lit("[]")),
    ("brand_id", _lit("360000000010")),
    ("allow_channelback", _lit("false")),
    ("allow_attachments", _lit("true")),
    ("from_messaging_channel", _lit("false")),
    ("generated_timestamp", pl.col("updated")),
)

_ZD_METRIC_JSON = _obj(
    ("url", _cat(f'"{ZENDESK_BASE}/ticket_metrics/', pl.col("metric_id"), '.json"')),
    ("id", pl.col("metric_id")),
    ("ticket_id", pl.col("id")),
    ("created_at", _zts("ts")),
    ("updated_at", _zts("updated")),
    ("group_stations", pl.col("stations").clip(0, 1)),
    ("assignee_stations", pl.col("stations")),
    ("reopens", pl.col("reopens")),
    ("replies", pl.col("replies")),
    ("assignee_updated_at", _zts("reply_at")),
    ("requester_updated_at", _zts("ts")),
    ("status_updated_at", _zts("updated")),
    ("initially_assigned_at", _zts("assigned_at")),
    ("assigned_at", _zts("assigned_at")),
    ("solved_at", _zts("solved_at")),
    ("latest_comment_added_at", _zts("latest_comment")),
    ("reply_time_in_minutes", _minutes("reply_cal", "reply_bus")),
    ("first_resolution_time_in_minutes", _minutes("first_res_cal", "first_res_bus")),
    ("full_resolution_time_in_minutes", _minutes("full_res_cal", "full_res_bus")),
    ("on_hold_time_in_minutes", _lit('{"calendar":0,"business":0}')),
)


def _render_zendesk(part: pl.DataFrame, day: date) -> str:
    end_time = int(part["updated"].max()) if part.height else _epoch(day) + DAY - 1
    return (
        '{"tickets":['
        + _join_json(part, _ZD_TICKET_JSON)
        + '],"metric_sets":['
        + _join_json(part.filter(~pl.col("bad")), _ZD_METRIC_JSON)
        + f'],"count":{part.height},'
        + f'"end_of_stream":true,"next_page":"{ZENDESK_BASE}/incremental/tickets.json?start_time={end_time}",'
        + f'"end_time":{end_time}}}'
    )


# ------------------------------------------------------------------------------------------------------------
# Blog (tiny volume: items are formatted one by one)
# ------------------------------------------------------------------------------------------------------------
def _slug(title: str) -> str:
    words = (
        "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFKD", title) if c.isascii())
        .lower()
        .split()
    )
    return "-".join(words)


def _blog(ctx: _Ctx) -> list[list[tuple[int, str, str, str, str, str]]]:
    rng = ctx.rng("blog")
    epoch_day = ctx.start_ts // DAY + np.arange(ctx.days)
    counts = rng.poisson(_WEEKDAY_BLOG[(epoch_day + 3) % 7] * ctx.scale)
    titles = _expand(_BLOG_TITLES, 0)
    total = int(counts.sum())
    title_idx = rng.integers(0, len(titles), total)
    minutes = rng.integers(0, 90, total)
    author_idx = rng.integers(0, len(_BLOG_AUTHORS), total)
    cat_idx = rng.integers(0, len(_BLOG_CATEGORIES), total)
    out: list[list[tuple[int, str, str, str, str, str]]] = []
    seen: set[str] = set()
    i = 0
    for d in range(ctx.days):
        items = []
        for j in range(int(counts[d])):
            ts = ctx.start_ts + d * DAY + 8 * HOUR + j * 47 * MINUTE + int(minutes[i])
            title = titles[title_idx[i]]
            day_path = (ctx.start + timedelta(days=d)).strftime("%Y/%m/%d")
            slug = _slug(title)
            link = f"{BLOG_URL}{day_path}/{slug}/"
            if link in seen:
                link = f"{BLOG_URL}{day_path}/{slug}-{j + 1}/"
            seen.add(link)
            html = (
                f"<p>{title} : les conseils de l'atelier Maison Lumière pour prolonger le plaisir de vos "
                f"bougies &amp; parfums d'intérieur.</p>"
            )
            items.append((ts, title, link, html, _BLOG_AUTHORS[author_idx[i]], _BLOG_CATEGORIES[cat_idx[i]]))
            i += 1
        out.append(items[::-1])  # newest first, as feeds list them
    return out


def _rfc822(ts: int) -> str:
    return format_datetime(datetime.fromtimestamp(ts, UTC))


def _render_rss(items: list[tuple[int, str, str, str, str, str]], day: date) -> str:
    build = _rfc822(max((it[0] for it in items), default=_epoch(day) + DAY - 1))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(BLOG_TITLE)}</title><link>{escape(BLOG_URL)}</link>",
        "<description>Bougies, parfums d'intérieur et art de vivre : le journal de l'atelier.</description>",
        f"<language>fr-FR</language><lastBuildDate>{build}</lastBuildDate>",
    ]
    for ts, title, link, html, author, category in items:
        parts.append(
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid><description>{escape(html)}</description>'
            f"<pubDate>{_rfc822(ts)}</pubDate><author>{escape(author)}</author>"
            f"<category>{escape(category)}</category></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts)


# ------------------------------------------------------------------------------------------------------------
# Slack: the brand's internal workspace (README, "Internal communication"), from its own rng streams (slack.*)
# ------------------------------------------------------------------------------------------------------------
SLACK_TEAM_ID = "T0LUMIERE"
SLACK_EMPLOYEES = 40
# channel id, name, expected top-level messages per weekday at scale 1 (#annonces: strategy.yml announcements)
SLACK_CHANNELS = (("C0ANNONCES", "annonces", 0.45), ("C0GENERAL", "general", 14.0), ("C0ATELIER", "atelier", 9.0))
_SLACK_TEXTS = (
    "Bonjour à toutes et à tous, petit point de la semaine en pièce jointe.",
    "Qui passe à l'atelier cet après-midi ? Les nouvelles mèches sont arrivées.",
    "Merci pour le coup de main sur les commandes d'hier !",
    "Le réassort de la collection d'automne part demain matin.",
    "Réunion déplacée à 14 h, même salle.",
)
_SLACK_ANNOUNCEMENTS = (
    "Annonce : la boutique du Marais ouvre ses portes samedi, venez nombreux !",
    "Annonce : nouvelle mutuelle à partir du mois prochain, tous les détails dans le wiki.",
    "Annonce : la collection Hiver est en ligne, partagez-la autour de vous !",
    "Annonce : séminaire d'équipe le mois prochain, réservez la date.",
)


def _who(chosen: np.ndarray, offset: int) -> pl.DataFrame:
    """The (message, employee) pairs of a boolean matrix as one list of employees per message."""
    rows, cols = np.nonzero(chosen)
    return pl.DataFrame({"i": (rows + offset).astype(np.int64), "u": cols.astype(np.int64)}).group_by(
        "i", maintain_order=True).agg(pl.col("u"))


def _slack(ctx: _Ctx) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The workspace's users (40 employees, one deactivated, one guest, a bot and Slackbot) and the messages of
    #annonces, #general and #atelier, as ``conversations.history`` would return them: reactions with their users,
    thread parents with reply_users (replies themselves are not fetched)."""
    rng = ctx.rng("slack.messages")
    n_emp = SLACK_EMPLOYEES
    # how talkative each employee is (a few very active, most occasional, a few silent)
    talk = rng.beta(0.9, 2.2, n_emp)
    weekday = np.array([(ctx.start + timedelta(days=d)).weekday() for d in range(ctx.days)])
    workday = np.where(weekday < 5, 1.0, 0.05)
    frames, reactions, replies, offset = [], [], [], 0
    for ch, (channel_id, _, per_day) in enumerate(SLACK_CHANNELS):
        counts = rng.poisson(per_day * ctx.scale * workday)
        day = np.repeat(np.arange(ctx.days), counts)
        n = day.shape[0]
        ts = ctx.start_ts + day * DAY + 7 * HOUR + rng.integers(0, 10 * HOUR, n)
        usec = rng.integers(0, 1_000_000, n)
        if ch == 0:
            author = rng.integers(0, 3, n)  # the comms team announces
            text = pl.Series(_SLACK_ANNOUNCEMENTS)[rng.integers(0, len(_SLACK_ANNOUNCEMENTS), n)]
            react_p = np.clip(talk * 0.9 + 0.15, 0, 0.9)
            reply_p = np.clip(talk * 0.15, 0, 0.3)
        else:
            author = np.searchsorted(np.cumsum(talk) / talk.sum(), rng.random(n))
            text = pl.Series(_SLACK_TEXTS)[rng.integers(0, len(_SLACK_TEXTS), n)]
            react_p = np.clip(talk * 0.08, 0, 0.2)
            reply_p = np.clip(talk * 0.03, 0, 0.1)
        reacted = rng.random((n, n_emp)) < react_p
        replied = rng.random((n, n_emp)) < reply_p
        reacted[np.arange(n), author] = False
        replied[np.arange(n), author] = False
        frames.append(pl.DataFrame({
            "i": np.arange(offset, offset + n, dtype=np.int64),
            "channel": [channel_id] * n,
            "author": author.astype(np.int64),
            "text": text,
            "ts_s": ts.astype(np.int64),
            "usec": usec.astype(np.int64),
        }, schema_overrides={"channel": pl.String, "text": pl.String}))
        reactions.append(_who(reacted, offset))
        replies.append(_who(replied, offset))
        offset += n
    empty = pl.lit([], dtype=pl.List(pl.Int64))
    msgs = (
        pl.concat(frames)
        .join(pl.concat(reactions).rename({"u": "reacted"}), on="i", how="left")
        .join(pl.concat(replies).rename({"u": "replied"}), on="i", how="left")
        .with_columns(reacted=pl.col("reacted").fill_null(empty), replied=pl.col("replied").fill_null(empty))
        .sort(["ts_s", "usec", "channel"])
    )
    ts_str = pl.col("ts_s").cast(pl.String) + "." + pl.col("usec").cast(pl.String).str.zfill(6)
    uid = lambda e: "U0" + e.cast(pl.String).str.zfill(7)
    messages = msgs.with_columns(
        day=((pl.col("ts_s") - ctx.start_ts) // DAY).cast(pl.Int64),
        ts=ts_str,
        user=uid(pl.col("author")),
        reaction_users=pl.col("reacted").list.eval(uid(pl.element())),
        reply_users=pl.col("replied").list.eval(uid(pl.element())),
    ).with_columns(
        reply_count=pl.col("reply_users").list.len(),
    ).select(
        "day",
        pl.struct(
            type=pl.lit("message"),
            user=pl.col("user"),
            text=pl.col("text"),
            ts=pl.col("ts"),
            channel=pl.col("channel"),
            thread_ts=pl.when(pl.col("reply_count") > 0).then(pl.col("ts")),
            reply_count=pl.col("reply_count"),
            reply_users_count=pl.col("reply_count"),
            reply_users=pl.col("reply_users"),
            reactions=pl.when(pl.col("reaction_users").list.len() > 0).then(pl.concat_list(pl.struct(
                name=pl.lit("thumbsup"), users=pl.col("reaction_users"),
                count=pl.col("reaction_users").list.len()))),
        ).struct.json_encode().alias("json"),
    )
    urng = ctx.rng("slack.users")
    extra = [("lumibot", True, False, False), ("ancien.salarie", False, True, False),
             ("prestataire.invite", False, False, True)]
    n_users = n_emp + len(extra)
    users = pl.DataFrame({
        "id": [f"U0{i:07d}" for i in range(n_users)] + ["USLACKBOT"],
        "name": [f"salarie.{i + 1:02d}" for i in range(n_emp)] + [e[0] for e in extra] + ["slackbot"],
        "is_bot": [False] * n_emp + [e[1] for e in extra] + [False],
        "deleted": [False] * n_emp + [e[2] for e in extra] + [False],
        "is_restricted": [False] * n_emp + [e[3] for e in extra] + [False],
        "updated": (ctx.start_ts - urng.integers(DAY, 400 * DAY, n_users + 1)).astype(np.int64),
    }).select(pl.struct(
        id=pl.col("id"), team_id=pl.lit(SLACK_TEAM_ID), name=pl.col("name"), deleted=pl.col("deleted"),
        is_bot=pl.col("is_bot"), is_admin=pl.col("name") == "salarie.01", is_restricted=pl.col("is_restricted"),
        tz=pl.lit("Europe/Paris"), updated=pl.col("updated"),
        profile=pl.struct(real_name=pl.col("name"), display_name=pl.lit("")),
    ).struct.json_encode().alias("json"))
    return messages, users


def _render_slack_messages(part: pl.DataFrame, day: date) -> str:
    return '{"ok":true,"messages":[' + ",".join(part["json"].to_list()) + '],"has_more":false}'


def _render_slack_users(users: pl.DataFrame) -> str:
    return '{"ok":true,"members":[' + ",".join(users["json"].to_list()) + '],"response_metadata":{"next_cursor":""}}'


# ------------------------------------------------------------------------------------------------------------
# Instagram
# ------------------------------------------------------------------------------------------------------------
_IG_FORMATS = (("IMAGE", "FEED"), ("CAROUSEL_ALBUM", "FEED"), ("VIDEO", "REELS"))
_IG_SHORTCODE = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
# Lifetime media insights the connector asks for (InstagramApi.media_metrics, 2026): (name, title, description).
_IG_INSIGHTS = (
    ("views", "Views", "The number of times your content was played or displayed."),
    ("reach", "Accounts reached", "The number of unique accounts that have seen your content at least once."),
    ("saved", "Saves", "The number of saves of your post."),
    ("shares", "Shares", "The number of shares of your post."),
)


def _shortcodes(ids: np.ndarray) -> np.ndarray:
    """A permalink's shortcode: the media id in Instagram's base 64, 11 characters."""
    digits = (ids[:, None] >> (6 * np.arange(10, -1, -1))) & 63
    return np.ascontiguousarray(_IG_SHORTCODE[digits]).view("<U11")[:, 0]


def _instagram(ctx: _Ctx) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int], dict[str, int]]:
    """The account's media, re-delivered for ``ctx.media_refresh_days`` with growing counters and insights, and
    the comments on them, re-delivered while their media is in the comment window (IG_COMMENT_REFRESH_DAYS):
    members' comments, the account's replies (most comments, in the community team's hours, some late) and
    members answering members. Its own rng streams: every other platform's data stays the same."""
    rng = ctx.rng("instagram.media")
    per_day = rng.poisson(0.75 * ctx.scale * _day_factors(rng, ctx.start, ctx.days, _WEEKDAY_CONTENT))
    ts = np.sort(_times_in_days(rng, ctx.start_ts, np.repeat(np.arange(ctx.days), per_day), _HOURS_BRAND))
    n = ts.shape[0]
    fmt = rng.choice(3, size=n, p=[0.45, 0.3, 0.25])
    lang = (rng.random(n) < 0.25).astype(np.int64)
    reach = np.maximum(
        1, rng.lognormal(np.log(2200), 0.7, n) * np.array([1.0, 1.15, 1.9])[fmt] * _viral(rng, n)
    ).astype(np.int64)
    views = reach + (reach * rng.gamma(2.0, 0.3, n)).astype(np.int64)
    likes = rng.binomial(reach, rng.beta(3, 55, n))
    saved = rng.binomial(reach, rng.beta(1, 150, n))
    shares = rng.binomial(reach, rng.beta(1, 300, n))
    n_comments = rng.poisson(9.0 * reach / 2600.0 * rng.lognormal(-0.08, 0.4, n))
    media_id = 18_100_000_000_000_000 + np.cumsum(rng.integers(10_000, 5_000_000, n))
    caption = ctx.texts.pick(rng, "ig_caption", lang)
    day = _day_of(ts, ctx.start_ts)
    # the comments feed of a day reads the media of the last IG_COMMENT_REFRESH_DAYS days: nothing written on a
    # media after its window ends is ever fetched
    fetched_until = np.minimum(ctx.start_ts + (day + IG_COMMENT_REFRESH_DAYS) * DAY, ctx.end_ts)

    # Members' comments, most within hours of the media; the account answers most in the team's hours.
    rng = ctx.rng("instagram.comments")
    media_of = np.repeat(np.arange(n), n_comments)
    m = media_of.shape[0]
    c_ts = _thin_night(rng, ts[media_of] + 30 + rng.lognormal(np.log(3 * HOUR), 1.2, m).astype(np.int64))
    author = ctx.members.pick(rng, m, "instagram")
    intent = rng.choice(4, size=m, p=[0.2, 0.08, 0.52, 0.2])
    c_lang = ctx.members.lang[author]
    c_msg = ctx.texts.pick(rng, "fb_member", intent * 2 + c_lang)
    c_likes = rng.geometric(0.5, m) - 1
    answer = _respond(
        rng,
        c_ts,
        _P_NEVER[intent],
        fast_median_s=25 * MINUTE,
        slow_median_s=6 * HOUR,
        p_slow=0.25,
        p_oncall=0.2,
        oncall_median_s=50 * MINUTE,
        hours=SOCIAL_HOURS,
    )
    r_msg = ctx.texts.pick(rng, "brand_reply", intent * 2 + c_lang)
    r_likes = rng.poisson(0.5, m)
    orders = _order_numbers(rng, m)
    keep = c_ts < fetched_until[media_of]
    media_of, c_ts, author, intent, c_lang, c_msg, c_likes, answer, r_msg, r_likes = (
        a[keep] for a in (media_of, c_ts, author, intent, c_lang, c_msg, c_likes, answer, r_msg, r_likes)
    )
    orders = orders.filter(pl.Series(keep))
    m = media_of.shape[0]
    par = np.flatnonzero((answer >= 0) & (answer < fetched_until[media_of]))
    r = par.shape[0]
    all_ts = np.concatenate([c_ts, answer[par]])
    cid = np.empty(m + r, dtype=np.int64)
    cid[np.argsort(all_ts, kind="stable")] = 17_850_000_000_000_000 + np.cumsum(
        rng.integers(1000, 2_000_000, m + r)
    )
    peer = _peer_replies(ctx, c_ts, author, intent, c_lang, np.zeros(m, bool), all_ts, cid, platform="instagram")
    seen = peer["ts"] < fetched_until[media_of[peer["parent"]]]
    peer = {key: value[seen] for key, value in peer.items()}
    p = peer["ts"].shape[0]

    mem = ctx.members.frame(author)
    peer_mem = ctx.members.frame(peer["author"])
    brand_first = mem["first"].gather(pl.Series(par, dtype=pl.Int64))
    brand_text = _fill(ctx.text(r_msg[par]), "{first}", brand_first)
    comments = pl.DataFrame(
        {
            "ts": np.concatenate([c_ts, answer[par], peer["ts"]]),
            "media": media_id[np.concatenate([media_of, media_of[par], media_of[peer["parent"]]])],
            "cid": np.concatenate([cid, peer["cid"]]),
            "parent": pl.Series(
                np.concatenate([np.full(m, -1), cid[par], cid[peer["parent"]]]), dtype=pl.Int64
            ).replace(-1, None),
            "text": pl.concat(
                [
                    _fill(ctx.text(c_msg), "{order}", orders),
                    "@" + mem["ig_username"].gather(pl.Series(par, dtype=pl.Int64)) + " " + brand_text,
                    _fill(ctx.text(peer["text"]), "{first}", mem["first"].gather(pl.Series(peer["parent"]))),
                ]
            ),
            "from_id": pl.concat(
                [
                    pl.Series(ctx.members.ig_id[author]).cast(pl.String),
                    pl.Series([IG_USER_ID] * r, dtype=pl.String),
                    pl.Series(ctx.members.ig_id[peer["author"]]).cast(pl.String),
                ]
            ),
            "username": pl.concat(
                [mem["ig_username"], pl.Series([IG_USERNAME] * r, dtype=pl.String), peer_mem["ig_username"]]
            ),
            "likes": np.concatenate([c_likes, r_likes[par], peer["likes"]]).astype(np.int64),
            "bad": np.zeros(m + r + p, dtype=bool),
        }
    )

    # Malformed: extra member comments returned without "media" (unanswered, delivered once), and extra media
    # whose timestamp is "not-a-date" (no comments, no insights, delivered once).
    bad_days = ctx.malformed_days("instagram_comment")
    k_c = bad_days.shape[0]
    mrng = ctx.rng("malformed.instagram_comment.values")
    b_author = ctx.members.pick(mrng, k_c, "instagram")
    bad_comments = pl.DataFrame(
        {
            "ts": ctx.start_ts + bad_days * DAY + 15 * HOUR + mrng.integers(0, 4 * HOUR, k_c),
            "media": np.zeros(k_c, np.int64),
            "cid": (cid.max() if cid.shape[0] else 17_850_000_000_000_000) + 7919 * (1 + np.arange(k_c)),
            "parent": pl.Series([None] * k_c, dtype=pl.Int64),
            "text": ctx.text(ctx.texts.pick(mrng, "fb_member", 4 + ctx.members.lang[b_author])),
            "from_id": pl.Series(ctx.members.ig_id[b_author]).cast(pl.String),
            "username": ctx.members.frame(b_author)["ig_username"],
            "likes": np.zeros(k_c, np.int64),
            "bad": np.ones(k_c, dtype=bool),
        }
    )
    comments = pl.concat([comments, bad_comments]).with_columns(day=_day_of(pl.col("ts"), ctx.start_ts))
    c_day, bad = comments["day"].to_numpy(), comments["bad"].to_numpy()
    owner = np.searchsorted(media_id, comments["media"].to_numpy())  # ids grow with time: sorted
    # each comment is in the files from its own day to its media's last day in the comment window
    window = np.where(bad, 1, np.append(day, 0)[owner] + IG_COMMENT_REFRESH_DAYS - c_day)
    rep, d, _ = _redelivery_days(c_day, window, ctx.days)
    comments = comments[rep].with_columns(day=pl.Series(d, dtype=pl.Int64)).sort(
        ["day", "ts", "cid"], descending=[False, True, True]
    )

    bad_days = ctx.malformed_days("instagram_media")
    k_m = bad_days.shape[0]
    mrng = ctx.rng("malformed.instagram_media.values")
    b_reach = mrng.integers(200, 2000, k_m)
    b_ts = ctx.start_ts + bad_days * DAY + 11 * HOUR + mrng.integers(0, 6 * HOUR, k_m)
    b_id = (media_id.max() if n else 18_100_000_000_000_000) + 7919 * (1 + np.arange(k_m))
    b_caption = ctx.texts.pick(mrng, "ig_caption", np.zeros(k_m, np.int64))
    media = pl.DataFrame(
        {
            "ts": np.concatenate([ts, b_ts]),
            "id": np.concatenate([media_id, b_id]),
            "fmt": np.concatenate([fmt, np.zeros(k_m, np.int64)]),
            "text": ctx.text(np.concatenate([caption, b_caption])),
            "reach": np.concatenate([reach, b_reach]),
            "views": np.concatenate([views, b_reach + 10]),
            "likes": np.concatenate([likes, mrng.integers(0, 40, k_m)]),
            "saved": np.concatenate([saved, np.zeros(k_m, np.int64)]),
            "shares": np.concatenate([shares, np.zeros(k_m, np.int64)]),
            "bad": np.concatenate([np.zeros(n, bool), np.ones(k_m, bool)]),
        }
    )
    media = _redelivered_media(ctx, media, (owner[~bad], c_day[~bad]))

    details = {
        "instagram_media": n,
        "instagram_member_comments": m,
        "instagram_brand_replies": r,
        "instagram_member_replies": p,
    }
    malformed = {"instagram_comment_without_media": k_c, "instagram_media_bad_timestamp": k_m}
    return media, comments, details, malformed


def _redelivered_media(
    ctx: _Ctx, media: pl.DataFrame, comments: tuple[np.ndarray, np.ndarray]
) -> pl.DataFrame:
    """The media list (and media insights) of each day: the media of the last ``ctx.media_refresh_days`` days,
    counters as of that day's end (comments_count: the comments and replies in the files up to that day; reach
    >= 1, views >= reach). ``comments``: (index of the media in ``media``, first file day) of each comment and
    reply. The malformed media are delivered once."""
    ts = media["ts"].to_numpy()
    day = _day_of(ts, ctx.start_ts)
    window = np.where(media["bad"].to_numpy(), 1, ctx.media_refresh_days)
    rep, d, last = _redelivery_days(day, window, ctx.days)
    share = _growth(ctx.rng("instagram.media_growth"), ts, rep, d, ctx.start_ts)
    counted = _counted_until(*comments, media.height, ctx.days)
    final = {c: media[c].to_numpy()[rep] for c in ("reach", "views", "likes", "saved", "shares")}
    reach = np.maximum(_grown(final["reach"], share, last), 1)
    return (
        media[rep]
        .with_columns(
            day=pl.Series(d, dtype=pl.Int64),
            reach=reach,
            views=np.maximum(_grown(final["views"], share, last), reach),
            likes=_grown(final["likes"], share, last),
            saved=_grown(final["saved"], share, last),
            shares=_grown(final["shares"], share, last),
            # the final count on the last copy (all the comments in the files), whatever the window
            comments=np.where(last, counted[rep, -1], counted[rep, d]),
        )
        .sort(["day", "ts", "id"], descending=[False, True, True])
    )


_IG_MEDIA_JSON = _obj(
    ("id", _cat('"', pl.col("id"), '"')),
    ("caption", _jstr(pl.col("text"))),
    ("media_type", _cat('"', pl.col("media_type"), '"')),
    ("media_product_type", _cat('"', pl.col("product_type"), '"')),
    ("permalink", _cat('"https://www.instagram.com/p/', pl.col("shortcode"), '/"')),
    ("timestamp", _jstr(pl.when(pl.col("bad")).then(_lit("not-a-date")).otherwise(_ts("ts", FB_TIME)))),
    ("like_count", pl.col("likes")),
    ("comments_count", pl.col("comments")),
    ("username", _jstr(_lit(IG_USERNAME))),
)

_IG_INSIGHTS_JSON = pl.concat_str(
    [
        _cat(
            f'{{"name":"{name}","period":"lifetime","values":[{{"value":',
            pl.col(name),
            f'}}],"title":"{title}","description":{json.dumps(description)},"id":"',
            pl.col("id"),
            f'/insights/{name}/lifetime"}}',
        )
        for name, title, description in _IG_INSIGHTS
    ],
    separator=",",
)

_IG_COMMENT_JSON = _obj(
    ("id", _cat('"', pl.col("cid"), '"')),
    ("text", _jstr(pl.col("text"))),
    ("timestamp", _jstr(_ts("ts", FB_TIME))),
    ("username", _jstr(pl.col("username"))),
    ("like_count", pl.col("likes")),
    ("parent_id", _cat('"', pl.col("parent"), '"'), pl.col("parent").is_not_null()),
    ("from", _cat('{"id":', _jstr(pl.col("from_id")), ',"username":', _jstr(pl.col("username")), "}")),
    ("media", _cat('{"id":"', pl.col("media"), '"}'), ~pl.col("bad")),
)


def _ig_media_columns(part: pl.DataFrame) -> pl.DataFrame:
    formats = pl.Series(_IG_FORMATS, dtype=pl.List(pl.String))
    return part.with_columns(
        media_type=formats.gather(part["fmt"]).list.get(0),
        product_type=formats.gather(part["fmt"]).list.get(1),
        shortcode=pl.Series(_shortcodes(part["id"].to_numpy()), dtype=pl.String),
    )


def _render_ig_media(part: pl.DataFrame, day: date) -> str:
    if part.height == 0:
        return '{"data":[]}'
    first, last = part["id"][0], part["id"][-1]
    return (
        '{"data":['
        + _join_json(_ig_media_columns(part), _IG_MEDIA_JSON)
        + '],"paging":{"cursors":{"before":"'
        + _cursor(str(first))
        + '","after":"'
        + _cursor(str(last))
        + '"}}}'
    )


def _render_ig_media_insights(part: pl.DataFrame, day: date) -> str:
    """GET /{ig-media-id}/insights of each media of the day's list, their data[] in one page."""
    return '{"data":[' + _join_json(part.filter(~pl.col("bad")), _IG_INSIGHTS_JSON) + "]}"


def _render_ig_comments(part: pl.DataFrame, day: date) -> str:
    return '{"data":[' + _join_json(part, _IG_COMMENT_JSON) + "]}"


# ------------------------------------------------------------------------------------------------------------
# Writing and public API
# ------------------------------------------------------------------------------------------------------------
def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def _write_frame(out_dir: Path, entity: str, ctx: _Ctx, frame: pl.DataFrame, render) -> int:
    folder = out_dir / entity
    bounds = np.searchsorted(frame["day"].to_numpy(), np.arange(ctx.days + 1), side="left")
    for d in range(ctx.days):
        day = ctx.start + timedelta(days=d)
        part = frame.slice(int(bounds[d]), int(bounds[d + 1] - bounds[d]))
        _write(folder / f"{day.isoformat()}.{ENTITIES[entity]}", render(part, day))
    return ctx.days


def default_end_date(today: date | None = None) -> date:
    """The most recent Sunday strictly before ``today`` (UTC), so that the last ISO week is complete."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=(today.weekday() + 1) % 7 or 7)


def generate(
    out_dir: Path,
    *,
    end_date: date,
    days: int = 182,
    scale: float = 1.0,
    seed: int = 42,
    malformed: bool = True,
    post_refresh_days: int = FB_POST_REFRESH_DAYS,
    tweet_refresh_days: int = X_TWEET_REFRESH_DAYS,
    media_refresh_days: int = IG_MEDIA_REFRESH_DAYS,
) -> GenerationSummary:
    """Write ``days`` UTC days of demo inbox files ending on ``end_date`` (inclusive) into ``out_dir``.

    The entity folders this generator owns (``facebook/posts``, ... ``zendesk/tickets``) are emptied first;
    nothing else under ``out_dir`` is touched. Same arguments give byte-identical files. ``scale``
    multiplies every volume (posts, messages, tickets, members). ``post_refresh_days``, ``tweet_refresh_days``
    and ``media_refresh_days``: the days a Facebook post (a brand tweet, an Instagram media and its insights) is
    re-delivered with its counters of the day, its own included (1: once, on its day, with its final counters,
    which never depend on the window)."""
    if days < 1:
        raise ValueError("days must be >= 1")
    if not scale > 0:
        raise ValueError("scale must be > 0")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    start = end_date - timedelta(days=days - 1)
    texts = _build_texts()
    members = _Members(
        np.random.default_rng([seed, zlib.crc32(b"members")]), max(300, round(4000 * scale)), texts
    )
    ctx = _Ctx(
        seed=seed,
        start=start,
        days=days,
        scale=scale,
        malformed=malformed,
        texts=texts,
        text_series=texts.series(),
        members=members,
        post_refresh_days=post_refresh_days,
        tweet_refresh_days=tweet_refresh_days,
        media_refresh_days=media_refresh_days,
    )
    for entity in ENTITIES:
        folder = out_dir / entity
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)

    summary = GenerationSummary(
        out_dir=out_dir, start_date=start, end_date=end_date, days=days, scale=scale, seed=seed
    )
    files = 0

    posts, comments, details, bad = _facebook(ctx)
    posts = _redelivered_posts(ctx, posts, comments)
    files += _write_frame(out_dir, "facebook/posts", ctx, posts, _render_fb_posts)
    files += _write_frame(out_dir, "facebook/comments", ctx, comments, _render_fb_comments)
    summary.counts.update({"facebook/posts": posts.height, "facebook/comments": comments.height})
    page_follows = _facebook_page_follows(ctx)
    for d, followers in enumerate(page_follows):
        day = start + timedelta(days=d)
        _write(
            out_dir / "facebook/page_insights" / f"{day.isoformat()}.json",
            _render_fb_page_follows(followers, day),
        )
    files += days
    summary.counts["facebook/page_insights"] = days
    summary.details.update(details)
    summary.malformed.update(bad)
    del posts, comments

    tweets, mentions, search, details, bad = _x(ctx)
    files += _write_frame(out_dir, "x/tweets", ctx, tweets, _render_x)
    files += _write_frame(out_dir, "x/mentions", ctx, mentions, _render_x)
    files += _write_frame(out_dir, "x/search", ctx, search, _render_x)
    summary.counts.update(
        {"x/tweets": tweets.height, "x/mentions": mentions.height, "x/search": search.height}
    )
    summary.details.update(details)
    summary.malformed.update(bad)
    del tweets, mentions, search

    tickets, details, bad = _zendesk(ctx)
    files += _write_frame(out_dir, "zendesk/tickets", ctx, tickets, _render_zendesk)
    summary.counts["zendesk/tickets"] = tickets.height
    summary.details.update(details)
    summary.malformed.update(bad)
    del tickets

    blog = _blog(ctx)
    for d, items in enumerate(blog):
        day = start + timedelta(days=d)
        _write(out_dir / "blog/rss" / f"{day.isoformat()}.xml", _render_rss(items, day))
    files += days
    summary.counts["blog/rss"] = sum(len(items) for items in blog)

    slack_messages, slack_users = _slack(ctx)
    files += _write_frame(out_dir, "slack/messages", ctx, slack_messages, _render_slack_messages)
    users_page = _render_slack_users(slack_users)
    for d in range(days):  # users.list is a snapshot of the whole workspace, fetched every day
        _write(out_dir / "slack/users" / f"{(start + timedelta(days=d)).isoformat()}.json", users_page)
    files += days
    summary.counts.update({"slack/messages": slack_messages.height, "slack/users": slack_users.height})
    del slack_messages, slack_users

    media, comments, details, bad = _instagram(ctx)
    files += _write_frame(out_dir, "instagram/media", ctx, media, _render_ig_media)
    files += _write_frame(out_dir, "instagram/media_insights", ctx, media, _render_ig_media_insights)
    files += _write_frame(out_dir, "instagram/comments", ctx, comments, _render_ig_comments)
    summary.counts.update(
        {
            "instagram/media": media.height,
            "instagram/media_insights": len(_IG_INSIGHTS) * int((~media["bad"]).sum()),
            "instagram/comments": comments.height,
        }
    )
    summary.details.update(details)
    summary.malformed.update(bad)
    del media, comments

    summary.files_written = files
    summary.seconds = time.perf_counter() - started
    return summary


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.demo.generator",
        description="Generate the Maison Lumière demo inbox (deterministic).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: $ANIMATEUR_INBOX/demo, i.e. data/inbox/demo)",
    )
    parser.add_argument("--days", type=int, default=182)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--end-date",
        type=_parse_date,
        default=None,
        help="last UTC day, YYYY-MM-DD (default: the most recent Sunday before today)",
    )
    parser.add_argument(
        "--no-malformed", dest="malformed", action="store_false", help="do not inject the malformed records"
    )
    args = parser.parse_args(argv)
    out = args.out
    if out is None:
        try:
            from pipelines.settings import demo_inbox_dir

            out = demo_inbox_dir()
        except ImportError:  # pragma: no cover
            out = Path("data/inbox/demo")
    s = generate(
        out,
        end_date=args.end_date or default_end_date(),
        days=args.days,
        scale=args.scale,
        seed=args.seed,
        malformed=args.malformed,
    )
    print(
        f"Wrote {s.files_written} files to {s.out_dir} for {s.start_date}..{s.end_date} "
        f"(seed {s.seed}, scale {s.scale:g}) in {s.seconds:.1f}s"
    )
    for entity, count in s.counts.items():
        print(f"  {entity:<20} {count:>10,} records")
    print(f"  interactions         {s.interactions:>10,}")
    print(f"  malformed injected   {s.malformed_total:>10,}  {s.malformed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
