"""Boilerplate in German, French, Spanish and Russian articles goes; the article stays."""

from __future__ import annotations

import pytest

from cleaner import Cleaner

DOCS = {
    "de": (
        ["Stadtrat beschließt neuen Haushalt für den Nahverkehr", "",
         "Der Stadtrat hat am Mittwoch einen Haushalt von 412 Millionen Euro für den Nahverkehr "
         "beschlossen, die größte Erhöhung seit zehn Jahren.", "",
         "Geplant sind drei neue Straßenbahnlinien und längere Nachtbusverbindungen in die "
         "Außenbezirke, die nach Mitternacht bisher kaum angebunden waren.", "",
         "Der Bau der ersten Linie soll im kommenden Frühjahr beginnen."],
        {"Teilen": "navigation_share", "Anzeige": "ad_sponsored",
         "Lesen Sie auch: Ticketpreise steigen im Januar": "related_promo",
         "Alle akzeptieren": "cookie_legal", "Jetzt abonnieren": "subscription_paywall"},
    ),
    "fr": (
        ["Le conseil municipal adopte un nouveau budget pour les transports", "",
         "Le conseil municipal a adopté mercredi un budget de 412 millions d'euros pour les "
         "transports publics, la plus forte hausse depuis dix ans.", "",
         "Le plan prévoit trois nouvelles lignes de tramway et des bus de nuit prolongés vers "
         "les quartiers périphériques.", "",
         "Les travaux de la première ligne doivent commencer au printemps prochain."],
        {"Partager": "navigation_share", "Publicité": "ad_sponsored",
         "À lire aussi : Les tarifs augmenteront en janvier": "related_promo",
         "Tout accepter": "cookie_legal", "Déjà abonné ?": "subscription_paywall"},
    ),
    "es": (
        ["El ayuntamiento aprueba un nuevo presupuesto para el transporte", "",
         "El pleno municipal aprobó el miércoles un presupuesto de 412 millones de euros para el "
         "transporte público, el mayor aumento en una década.", "",
         "El plan incluye tres nuevas líneas de tranvía y más autobuses nocturnos hacia los "
         "barrios periféricos.", "",
         "Las obras de la primera línea comenzarán la próxima primavera."],
        {"Compartir": "navigation_share", "Publicidad": "ad_sponsored",
         "Lea también: Las tarifas subirán en enero": "related_promo",
         "Aceptar todas las cookies": "cookie_legal", "Suscríbete": "subscription_paywall"},
    ),
    "ru": (
        ["Городской совет утвердил новый бюджет на общественный транспорт", "",
         "В среду городской совет утвердил бюджет в 412 миллионов евро на общественный "
         "транспорт, это крупнейшее увеличение за десять лет.", "",
         "План предусматривает три новые трамвайные линии и продление ночных автобусных "
         "маршрутов до окраин.", "",
         "Строительство первой линии должно начаться следующей весной."],
        {"Поделиться": "navigation_share", "Реклама": "ad_sponsored",
         "Читайте также: Тарифы вырастут в январе": "related_promo",
         "Принять все": "cookie_legal", "Оформить подписку": "subscription_paywall"},
    ),
}


@pytest.mark.parametrize("lang", sorted(DOCS))
def test_language(lang: str, cleaner: Cleaner):
    article, boilerplate = DOCS[lang]
    lines = article[:2] + list(boilerplate)[:2] + [""] + article[2:6]
    lines += list(boilerplate)[2:3] + [""] + article[6:] + [""] + list(boilerplate)[3:]
    result = cleaner.explain("\n".join(lines) + "\n")
    for d in result.decisions:
        if d.text in boilerplate:
            assert not d.keep and d.label == boilerplate[d.text], (d.text, d.label, d.reason)
        else:
            assert d.keep, (d.text, d.label, d.score, d.reason)
