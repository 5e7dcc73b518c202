"""Named heuristic rules: short, literal patterns for boilerplate that looks the same everywhere.

A rule is a small named unit with a label. ``line`` rules must match a whole (normalised, short)
line and decide it on their own: they are precise but fire rarely. ``opener`` and ``closer``
rules are line rules that also bound a block (a reader appeal runs from "A message from …" to
"Remind me later."), which the decoder uses. ``hint`` rules search anywhere in a line and only
feed the model, which learns how far to trust them.

With google-re2 installed (the ``fast`` extra), ``RuleSet.match_many`` first screens a batch of
lines in one linear-time pass; the verdicts are Python's ``re`` either way (see _Screen).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType

import numpy as np

#: Longest line (in words) a ``line`` rule may decide on its own.
MAX_RULE_WORDS = 25

_STRIP = " \t\u00a0•·*-–—>|»›▶►◆■□●○✓✔→"
_NAME = r"[A-ZÄÖÜÉÁÍÓÚА-Я][\w.'-]*(?:\s+(?:[A-ZÄÖÜÉÁÍÓÚА-Я][\w.'-]*|de|van|von|la|del)){0,3}"
#: What a UI message may start with ("Oops! Something went wrong.").
_OOPS = r"oops|whoops|hoppla|huch|oups|упс"
_TRAILING = r"[\s.,;!?:…»>›|)\]]*"
_DATE = (
    r"(?:\d{1,2}[:.]\d{2},? )?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|(?:\d{1,2}\.? )?[a-zäéûа-я]{3,10}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{1,2}\.? [a-zäéûа-я]{3,10}\.? \d{4})(?:,? (?:at )?\d{1,2}[:.h]\d{2}(?: ?[ap]\.?m\.?)?(?: \w{2,5})?)?"
)


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    pattern: str
    role: str = "line"  # "line", "opener", "closer" or "hint"
    cased: bool = False  # match the line as written instead of lower-cased


RULES: tuple[Rule, ...] = (
    # --- donation_appeal ---------------------------------------------------------------
    Rule("appeal_opener", "donation_appeal",
         r"(?:(?:a )?(?:message|note|word) (?:from|by) (?:the )?"
         r"|(?:eine )?(?:nachricht|botschaft) (?:von|der|des) |(?:un )?message (?:de|du|des) "
         r"|(?:un )?mensaje (?:de|del) |(?:обращение|сообщение) (?:от )?)[\w .'&-]{2,60}:", "opener"),
    Rule("dear_readers", "donation_appeal",
         r"(?:dear|hello,?) (?:readers?|friends?|supporters?)|liebe leser(?:innen)?(?: und leser)?"
         r"|liebe leserinnen und leser|chères lectrices(?:,)? chers lecteurs|chers lecteurs"
         r"|queridos? lector(?:es|as)?|estimad[oa]s? lector(?:es|as)?|дорогие читатели"
         r"|уважаемые читатели", "opener"),
    Rule("remind_later", "donation_appeal",
         r"remind me later|maybe later|not now|no,? thanks|später erinnern|vielleicht später"
         r"|me le rappeler plus tard|plus tard|más tarde|recuérdame más tarde|recordármelo más tarde"
         r"|напомнить позже|напомнить мне позже|не сейчас", "closer"),
    Rule("donate_button", "donation_appeal",
         r"(?:donate|give|contribute|support us|support (?:the|our) \w+)(?: now| today| monthly)?"
         r"|(?:make a|one-time|monthly) (?:donation|contribution|gift)|become a (?:member|supporter|patron)"
         r"|jetzt (?:spenden|unterstützen)|spenden|faire un don|faites un don|je fais un don|soutenir"
         r"|donar(?: ahora)?|dona(?: ahora)?|haz una donación|apóyanos|поддержать(?: нас)?"
         r"|пожертвовать|помочь (?:нам|редакции)", "closer"),
    Rule("donation_hint", "donation_appeal",
         r"\b(?:donat(?:e|ion)s?|support (?:us|our (?:work|journalism|newsroom|reporting))"
         r"|independent journalism|reader[- ]funded|contribution|spende|unterstützen sie"
         r"|faire un don|soutenez|donación|apóyanos|пожертвован|поддержите)", "hint"),
    # --- subscription_paywall ----------------------------------------------------------
    Rule("paywall_line", "subscription_paywall",
         r"subscribe(?: now| today| to (?:continue|read|unlock)[\w ]{0,30})?|already (?:a )?subscriber\??(?:[ .]*(?:log|sign) in)?"
         r"|(?:buy|purchase|gift|unlock) (?:this |the )?(?:article|story)(?: pdf)?|"
         r"(?:the rest of )?(?:this|the) (?:article|story|content|post) is (?:only )?(?:available |reserved )?(?:exclusively )?(?:for|to) (?:subscribers|members|premium \w+)(?: only)?"
         r"|you(?:'ve| have) (?:\d+|one|two|three) free (?:articles?|stories) (?:left|remaining)(?: this month)?"
         r"|jetzt abonnieren|abo abschließen|bereits abonnent\??|(?:sie haben|du hast) bereits ein abo\??(?: hier| jetzt)?(?: einloggen| anmelden)?|artikel nur für abonnenten|plus-artikel"
         r"|abonnez-vous(?: (?:pour|et|dès) [\w' ]{1,40})?|déjà abonné\s*\??|(?:la suite de )?(?:cet )?(?:article )?(?:est )?réservée? aux abonnés"
         r"|(?:dieser|der) (?:artikel|beitrag|inhalt) ist (?:nur|exklusiv) für abonnent(?:en|innen und abonnenten)(?: verfügbar| sichtbar)?"
         r"|suscríbete|ya eres suscriptor\??|(?:este |el )?(?:contenido|artículo) (?:es )?exclusivo para suscriptores|оформить подписку"
         r"|материал доступен только подписчикам|уже подписаны\??"),
    Rule("paywall_hint", "subscription_paywall",
         r"\b(?:subscribers? only|subscribe to (?:continue|read)|free articles? (?:left|remaining)"
         r"|unlimited (?:digital )?access|paywall|abonnent|abonnez|suscriptor|подписчик)", "hint"),
    # --- signup_prompt -----------------------------------------------------------------
    Rule("newsletter_line", "signup_prompt",
         r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|my) [\w ]{0,30}(?:newsletter|emails?|updates|digest)s?"
         r"|(?:get|download|install) (?:the|our) (?:free )?(?:[\w]+ )?app|subscribe (?:via|to our) (?:rss|feed|podcast)|(?:newsletter|get our newsletter)"
         r"|(?:join|follow) (?:us|our channel) on (?:telegram|whatsapp|signal|viber)"
         r"|(?:enable|turn on|allow) (?:push )?(?:notifications|alerts)|get (?:breaking )?news alerts"
         r"|join our (?:mailing list|newsletter|community)(?:[!.]? .{0,100})?|join (?:our|the) [\w' ]{1,30} newsletter"
         r"|(?:[\w,&' ]{1,40}, )?(?:sign up|subscribe) (?:for|to) (?:our|the|my) [\w&' ]{0,30}newsletter(?: to .{1,80}| (?:and|for) .{1,80})?"
         r"|get (?:the best of )?[\w' ]{1,40} delivered (?:straight )?to your inbox[\w ]{0,20}"
         r"|newsletter abonnieren|zum newsletter anmelden|jetzt (?:zum newsletter )?anmelden"
         r"|melden sie sich (?:jetzt )?(?:für|zu) (?:unseren|unserem|den) [\w-]{0,20}newsletter an"
         r"|(?:laden sie )?(?:unsere|die) [\w-]{0,20}app herunter|(?:jetzt )?(?:unsere |die )?app herunterladen"
         r"|(?:inscrivez|abonnez)-vous(?: à (?:notre|la|nos) (?:newsletters?|infolettre|lettres?(?: d'information)?(?: quotidienne| hebdomadaire)?))?"
         r"|recevez notre newsletter|téléchargez (?:notre |l'|la )?appli(?:cation)?(?: [\w' ]{1,30})?"
         r"|suscríbete a (?:nuestro|nuestra|el|la) (?:newsletter|boletín)|recibe (?:nuestro|nuestra|el|la) (?:newsletter|boletín)"
         r"|descarga (?:nuestra |la )?app(?:licación)?(?: [\w ]{1,30})?"
         r"|подпишитесь на (?:наш |нашу |наши )?(?:telegram|телеграм|рассылку|канал)[\w -]{0,30}"
         r"|скачайте (?:наше )?приложение[\w -]{0,30}"),
    Rule("signup_hint", "signup_prompt",
         r"\b(?:newsletter|inbox|sign up|unsubscribe at any time|telegram|whatsapp channel"
         r"|download the app|app store|google play|рассылк|boletín)", "hint"),
    # --- cookie_legal ------------------------------------------------------------------
    Rule("cookie_button", "cookie_legal",
         r"(?:accept|allow|reject|decline|refuse)(?: all| necessary| optional)?(?: cookies)?"
         r"|(?:manage|customi[sz]e|cookie) (?:cookies|preferences|settings|options|choices)"
         r"|(?:cookie|privacy) (?:policy|notice|statement)|privacy|terms(?: of (?:use|service))?(?: (?:and|&) conditions)?"
         r"|do not sell(?: or share)? my personal information|your privacy choices"
         r"|(?:by (?:signing up|subscribing|registering|clicking[\w ]{0,30}|continuing|submitting[\w ]{0,20}),? )?you (?:agree|consent) to (?:our|the) [\w &,]{0,60}(?:terms|privacy|policy|conditions)[\w &,.]{0,60}"
         r"|(?:and )?agree to (?:our|the) (?:terms|privacy)[\w &,]{0,60}"
         r"|alle akzeptieren|akzeptieren|ablehnen|cookie-einstellungen|datenschutz(?:erklärung|hinweise)?"
         r"|impressum|agb|tout accepter|accepter|refuser|paramètres des cookies|politique de confidentialité"
         r"|mentions légales|aceptar(?: todo| todas)?(?: las cookies)?|rechazar(?: todo)?|configurar cookies"
         r"|política de (?:privacidad|cookies)|aviso legal|принять(?: все)?|отклонить"
         r"|политика конфиденциальности|пользовательское соглашение"),
    Rule("cookie_line", "cookie_legal",  # a banner's own sentence, alone on its line
         r"(?:we|this (?:site|website)|our (?:site|website)s?) uses? cookies(?: and (?:similar|other) (?:tracking )?technologies)?"
         r"(?:[ ,]+(?:to|so|for|in order to) [\w ,'’-]{1,120})?"
         r"|(?:wir (?:verwenden|nutzen)|diese (?:webseite|website|seite) (?:verwendet|nutzt)) cookies(?: und ähnliche technologien)?(?:[ ,]+[\w ,'’-]{1,120})?"
         r"|(?:nous utilisons|ce site (?:web )?utilise) des cookies(?:[ ,]+[\w ,'’-]{1,120})?"
         r"|(?:utilizamos|usamos|este sitio (?:web )?utiliza) cookies(?: propias y de terceros)?(?:[ ,]+[\w ,'’-]{1,120})?"
         r"|(?:мы используем|(?:этот )?сайт использует) (?:файлы )?cookie(?:s|-файлы)?(?:[ ,]+[\w ,'’-]{1,120})?"),
    Rule("copyright_line", "cookie_legal",
         r"(?:©|\(c\)|copyright ©|copyright \d{4}).{0,200}"
         r"|all rights reserved[\w .,'-]{0,40}|alle rechte vorbehalten|tous droits réservés"
         r"|todos los derechos reservados|все права защищены"),
    Rule("cookie_hint", "cookie_legal",
         r"\b(?:cookies?|consent|privacy policy|datenschutz|confidentialité|privacidad|куки|cookie-файл)", "hint"),
    # --- ui_message --------------------------------------------------------------------
    Rule("oops", "ui_message", _OOPS),
    Rule("went_wrong", "ui_message",  # after an "Oops!" on the same line or not
         r"¡?(?:(?:" + _OOPS + r"|upps|vaya) ?[!.,]* ¡?)?"
         r"(?:something went wrong(?:[.,!]* ?please try again(?: later)?)?"
         r"|(?:please )?try again(?: later)?|an (?:unexpected )?error (?:has )?occurred[\w .,]{0,40}"
         r"|(?:error|fehler|erreur|ошибка)(?: \d{3})?|(?:da )?ist (?:leider )?etwas schief ?gelaufen"
         r"|etwas ist (?:leider )?schief ?gelaufen|ein fehler ist aufgetreten"
         r"|bitte versuchen sie es (?:später )?(?:noch einmal|erneut)|une erreur (?:s'est produite|est survenue)"
         r"|veuillez réessayer(?: plus tard)?|algo salió mal|se ha producido un error"
         r"|(?:por favor,? )?(?:inténtalo|vuelve a intentarlo) (?:de nuevo )?(?:más tarde)?"
         r"|что-то пошло не так|произошла ошибка|попробуйте (?:ещё раз|еще раз|позже))"),
    Rule("form_status", "ui_message",
         r"thank you!? your submission has been received!?"
         r"|oops!? something went wrong while submitting the form"
         r"|(?:thanks|thank you) for (?:subscribing|signing up|your (?:submission|message|feedback))"
         r"|vielen dank für ihre anmeldung|merci pour votre inscription|gracias por suscribirte"
         r"|спасибо за подписку"),
    Rule("javascript", "ui_message",
         r"(?:please |you (?:need|must|have) to |to [\w ]{1,40}, (?:please )?)?(?:enable|activate|turn on|allow) javascript[\w ,.'!]{0,80}"
         r"|(?:javascript|js) (?:is (?:disabled|required|not enabled|turned off)|must be enabled)[\w ,.'!]{0,80}"
         r"|(?:this|the) (?:site|page|website|app|content|form) requires javascript[\w ,.'!]{0,80}"
         r"|bitte aktivieren sie javascript[\w ,.]{0,60}|activez javascript[\w ,.]{0,60}"
         r"|(?:habilita|activa) javascript[\w ,.]{0,60}|включите javascript[\w ,.]{0,60}"),
    Rule("browser_wall", "ui_message",
         r"your browser (?:is (?:out of date|outdated|not supported)|does not support)[\w ,.'!]{0,80}"
         r"|(?:please )?(?:update|upgrade) your browser[\w ,.'!]{0,60}|checking (?:if the site connection is secure|your browser)[\w ,.]{0,60}"
         r"|verify(?:ing)? you are (?:a )?human[\w ,.]{0,40}|are you a robot\??|press (?:&|and) hold[\w ,.]{0,40}"
         r"|access denied|ihr browser wird nicht unterstützt|votre navigateur n'est pas à jour"),
    Rule("loading", "ui_message", r"(?:gefällt mir |like |j'aime )?(?:loading|wird geladen|lädt|chargement(?: en cours)?|cargando|загрузка)"),
    Rule("media_unavailable", "ui_message",
         r"(?:this|the) (?:video|content|media|audio|embed) (?:is|isn't|is not) (?:currently )?(?:unavailable|available|supported)[\w ,.]{0,60}"
         r"|video (?:unavailable|not available)|your (?:browser|device) does not support (?:the )?(?:video|audio)[\w ,.]{0,40}"
         r"|(?:video|audio|sendung) (?:verfügbar|abrufbar) bis .{4,30}"
         r"|dieses video ist nicht verfügbar|vidéo (?:non )?disponible|vídeo no disponible|видео недоступно"),
    Rule("ui_hint", "ui_message",
         r"\b(?:javascript|browser|try again|went wrong|ad ?blocker|refresh the page|cloudflare)", "hint"),
    # --- navigation_share --------------------------------------------------------------
    Rule("share_bar", "navigation_share",
         r"(?:(?:share(?: on| via| this(?: article| story| post| page)?)?|pin(?: it| for later)?|tweet|email|e-mail|print|copy(?: link)?"
         r"|link copied|facebook|twitter|x|linkedin|whatsapp|telegram|pinterest|reddit|flipboard|messenger"
         r"|threads|bluesky|mastodon|sms|vk|xing|teilen(?: mit| auf| per| via)?|drucken|partager(?: sur| par| via)?|imprimer|compartir(?: en| por| vía)?|imprimir"
         r"|like this|like|gefällt mir|j'aime|me gusta|share this|compartir esto|partager cette page"
         r"|поделиться(?: в)?|вконтакте|одноклассники|копировать ссылку)[\s|,/·•:]*){1,12}"),
    Rule("skip_link", "navigation_share",
         r"(?:skip|jump) to (?:the )?(?:main )?[\w ]{1,20}|skip navigation|zum inhalt springen|direkt zum inhalt"
         r"|aller au contenu(?: principal)?|ir al contenido(?: principal)?|перейти к (?:основному )?содержанию"),
    Rule("breadcrumb", "navigation_share",
         r"(?:home|start(?:seite)?|accueil|inicio|главная)(?:\s*[>»/›|]\s*[^>»/›|]{1,50}){1,6}"),
    Rule("menu_item", "navigation_share",
         r"menu|menü|main menu|navigation|search|suche|rechercher|buscar|поиск|close|schließen|fermer"
         r"|cerrar|закрыть|log ?in|sign ?in|sign up|log ?out|register|my account|anmelden|registrieren"
         r"|se connecter|connexion|s'inscrire|iniciar sesión|registrarse|войти|регистрация|back to top"
         r"|nach oben|haut de page|volver arriba|наверх|home|startseite|accueil|inicio|главная"
         r"|tags|themen|schlagwörter|schlagworte|temas|etiquetas|mots-clés|thèmes|теги|темы"),
    Rule("pager", "navigation_share",
         r"(?:previous|next|older|newer)(?: (?:article|post|page|story|entries|posts))?|zurück|weiter|vorherige"
         r"|nächste|précédent|suivant|anterior|siguiente|назад|далее|вперёд|следующая|предыдущая"
         r"|(?:vorschau auf den )?(?:nächsten?|vorherigen?) (?:artikel|beitrag)|(?:article|artículo) (?:suivant|précédent|siguiente|anterior)"
         r"|(?:page|seite|página|страница) \d+ (?:of|von|sur|de|из) \d+|\d+(?: \d+){1,9}(?: next| »)?"),
    Rule("follow_us", "navigation_share",
         r"follow (?:us|me)(?: on [\w ,&]{1,40})?|folgen sie uns(?: auf [\w ,&]{1,40})?"
         r"|suivez-nous(?: sur [\w ,&]{1,40})?|síguenos(?: en [\w ,&]{1,40})?|мы в соцсетях"),
    Rule("shop_button", "navigation_share",
         r"(?:[$€£]\s?[\d.,]+\s*)?(?:add to (?:cart|bag|basket|wishlist)|in den warenkorb|auf die merkliste|ajouter au panier"
         r"|añadir al (?:carrito|cesta)|в корзину|buy (?:it )?now|shop now|jetzt kaufen|acheter maintenant|comprar ahora)"
         r"|(?:regular|sale|unit) price(?:\s*[$€£]?\s?[\d.,]+)?|sold out|ausverkauft|épuisé|agotado"
         r"|free shipping(?: (?:on|over) .{1,30})?|kostenloser versand(?: ab .{1,20})?|livraison (?:gratuite|offerte)(?: dès .{1,20})?"
         r"|envío gratis(?: desde .{1,20})?|added to your (?:cart|bag)!?(?: .{0,40})?"),
    Rule("forum_meta", "navigation_share",
         r"(?:join(?:ed)? date|registriert seit|mitglied seit|inscrit le|fecha de ingreso)\s*:?\s*.{1,25}"
         r"|(?:posts|beiträge|messages|mensajes|likes received|points)\s*:?\s*[\d.,]+|reaction score(?:\s*:?\s*[\d.,]+)?"
         r"|registered user|senior member|junior member|new member|neues mitglied"),
    Rule("counter", "navigation_share",
         r"[\d.,]+ ?[km]?\s*(?:shares?|likes?|views?|aufrufe|partages|vues|compartidos|просмотр\w*)"
         r"|(?:[\d.,]+ |ein(?:e[mn]?)? )?(?:bloggern?|blogger) gefällt das|(?:[\w .-]{1,40} )?likes this|one blogger likes this|\d+ bloggers like this"),
    # --- related_promo -----------------------------------------------------------------
    Rule("read_more", "related_promo",
         r"(?:read|see|watch|listen|related)(?: more| also| next)?\s*[:|»>].{0,160}|(?:read|see) (?:more|also)"
         r"|(?:lesen|sehen) sie (?:auch|mehr)(?:\s*[:|»>].{0,160})?|mehr zum thema(?:\s*[:|»>].{0,160})?"
         r"|(?:à )?lire aussi(?:\s*[:|»>].{0,160})?|(?:lea|vea) (?:también|más)(?:\s*[:|»>].{0,160})?"
         r"|(?:читайте|смотрите) (?:также|еще|ещё)(?:\s*[:|»>].{0,160})?"
         r"|(?:auch lesen|lesen sie hier|hier lesen|lies auch|mehr dazu|(?:le |te )?puede interesar|lea|lee|mira|vea|leia também|czytaj (?:też|także|więcej)|zobacz (?:też|także))\s*[:|»>].{0,160}"
         r"|lesen sie auch die folgenden (?:beiträge|artikel)|weitere (?:beiträge|artikel) (?:aus|zu|zum|von) [\w .'-]{1,40}"
         r"|czytaj (?:też|także|więcej)|zobacz (?:też|także)"
         r"|weiterlesen|mehr lesen|lire la suite|lire plus|leer más|seguir leyendo|читать (?:далее|дальше|полностью)"),
    Rule("related_heading", "related_promo",
         r"related(?: articles| stories| posts| content| coverage| reading| news)?|recommended(?: for you| stories)?"
         r"|more (?:from|on|in) [\w .'&-]{1,40}|more stories|most (?:read|popular|viewed|shared)"
         r"|you (?:may|might) also (?:like|enjoy)|trending(?: now| stories)?|don't miss|top stories"
         r"|das könnte sie auch interessieren|meistgelesen|weitere artikel|mehr artikel|empfohlen"
         r"|(?:browse )?related (?:articles|companies|searches|products|posts|topics)(?:\s*:.{0,160})?|people who viewed this item also viewed|customers (?:who bought this item )?also (?:bought|viewed)"
         r"|ähnliche (?:beiträge|artikel|themen)|verwandte (?:artikel|beiträge)|auch interessant(?: für sie)?|zum weiterlesen|(?:das (?:thema|könnte) )?könnte (?:dich|sie) auch interessieren"
         r"|mirá también|ver también|ver más|más noticias|notas relacionadas|articles similaires"
         r"|sur le même (?:sujet|thème)|les plus lus|à voir aussi|te puede interesar|lo más leído"
         r"|noticias relacionadas|по теме|самое читаемое|популярное|вам может быть интересно"),
    Rule("related_hint", "related_promo",
         r"\b(?:read more|related|most read|recommended|weiterlesen|lire aussi|lea también|читайте также)",
         "hint"),
    # --- ad_sponsored ------------------------------------------------------------------
    Rule("ad_marker", "ad_sponsored",
         r"(?:advertisement|advertising|anzeige|werbung|publicité|publicidad|реклама)\s*:.{0,80}"
         r"|advertisement|advertising|ads?|anzeige|werbung|publicité|publicidad|реклама|sponsored(?: content| post| by [\w .'&-]{1,40})?"
         r"|paid (?:post|content|partnership)|partner content|gesponsert|sponsorisé|patrocinado|contenido patrocinado"
         r"|(?:story|article) continues (?:below|after (?:the )?advertisement)|continue reading below"
         r"|scroll (?:down )?to continue(?: with content)?|weiterlesen nach der anzeige"
         r"|la suite (?:de l'article )?après (?:cette|la) publicité|el artículo continúa después del anuncio"
         r"|продолжение (?:ниже|после рекламы)"),
    Rule("affiliate_hint", "ad_sponsored",
         r"\b(?:affiliate (?:links?|commission)|we may earn (?:a )?commission|sponsored|provisionslink"
         r"|affiliate-link|lien d'affiliation|enlaces? de afiliado|партнерск)", "hint"),
    # --- caption_credit ----------------------------------------------------------------
    Rule("photo_credit", "caption_credit",
         r"(?:photo|image|picture|pictures|photograph|illustration|video|foto|fotos|bild|bilder|grafik|beitragsbild|titelbild"
         r"|photographie|imagen|ilustración|фото|иллюстрация)(?:s)?(?: credit)?\s*[:©/].{1,100}"
         r"|(?:credit|source|quelle|crédit|fuente|источник|crédits? photos?|bildquelle|bildnachweis|crédito(?: de la foto)?)\s*:\s*.{1,80}|enlarge (?:this )?image|bild vergrößern|agrandir l'image|ampliar (?:la )?imagen"
         r"|.{1,150}[.)]\s*(?:foto|fotos|photo|bild|image|imagen|фото)(?: credit)?\s*:\s*[\w .,'&/©-]{2,60}"
         r"|[\w .,'&-]{0,60}/\s*(?:getty images|reuters|ap|afp|dpa|epa|shutterstock|istock|alamy|imago"
         r"|picture alliance|unsplash|pexels|ria novosti|тасс|риа новости)(?:[\w .-]{0,30})?"
         r"|\(?(?:getty images|reuters|ap photo|afp|dpa|epa|shutterstock|imago)[\w ./-]{0,40}\)?"),
    # --- byline_meta -------------------------------------------------------------------
    Rule("byline", "byline_meta",
         r"(?:By|BY|Von|VON|Par|PAR|Por|POR|Автор:?|Text:|Texto:)\s+" + _NAME
         + r"(?:\s*(?:,|and|und|et|y|и|&)\s*" + _NAME + r")?(?:\s*[,|·•-]\s*[\w .'-]{1,40})?",
         cased=True),
    Rule("posted_by", "byline_meta",
         r"(?:posted|written|published|reviewed|fact[- ]checked|edited) by [\w .'-]{1,40}(?:,? (?:on|in) .{1,40})?(?:\s*[|·•-]\s*.{0,40})?"
         r"|(?:geschrieben|veröffentlicht) von [\w .'-]{1,40}|publié par [\w .'-]{1,40}|publicado por [\w .'-]{1,40}"),
    Rule("dateline", "byline_meta",
         r"(?:(?:published|updated|posted|last updated|last modified|modified|letzte änderung|zuletzt aktualisiert|veröffentlicht|aktualisiert|erschienen"
         r"|stand|publié|mis à jour|publicado|actualizado|опубликовано|обновлено)(?: on| am| le| el)?:?\s*)?"
         + _DATE + r"(?:\s*[|·•-]\s*.{0,40})?"),
    Rule("reading_time", "byline_meta",
         r"(?:\d+|one|two|three|five)[ -]min(?:ute)?s?(?: read| reading time)?|(?:reading|read) time:? \d+ min\w*"
         r"|(?:lesezeit|lesedauer):? (?:ca\. )?\d+ min\w*|\d+ min\.? lesezeit|(?:temps de )?lecture :? \d+ min\w*"
         r"|\d+ min(?:utos)? de lectura|(?:время чтения:? )?\d+ мин\w*(?: чтения)?"
         r"|(?:ten tekst )?przeczytasz w (?:mniej niż )?(?:\d+ )?minut\w*|czas czytania:? \d+ min\w*"
         r"|listen to (?:this )?(?:article|story)(?:[\w ().:]{0,20})?|artikel (?:anhören|vorlesen)"
         r"|écouter (?:cet )?article|escuchar (?:este )?artículo|(?:слушать|прослушать) (?:статью|материал)"),
    # --- comments_prompt ---------------------------------------------------------------
    Rule("comments", "comments_prompt",
         r"you (?:need|must|have) to be (?:a member|logged in|signed in) (?:in order )?to (?:leave a |post a )?(?:comment|reply)[\w ,.]{0,40}|"
         r"comments are (?:closed|disabled)|(?:die )?kommentarfunktion ist (?:geschlossen|deaktiviert)"
         r"|les commentaires sont fermés|(?:los )?comentarios (?:están )?cerrados|комментарии (?:закрыты|отключены)"
         r"|(?:\d+ )?comments?(?: \(\d+\))?|leave a (?:comment|reply)|join the (?:discussion|conversation)"
         r"|add a comment|(?:be the first to|post a) comment|show comments|view comments|\d+ repl(?:y|ies)"
         r"|reply|antworten|répondre|responder|ответить|(?:create an account or )?(?:sign|log) in to (?:comment|reply|post)"
         r"|(?:\d+ )?kommentare?(?: \(\d+\))?|kommentieren|jetzt kommentieren|(?:\d+ )?commentaires?"
         r"|laisser un commentaire|réagir|(?:\d+ )?comentarios?|deja (?:un|tu) comentario"
         r"|(?:\d+ )?комментари\w*|оставить комментарий|обсуждение"),
)


@dataclass(frozen=True)
class RuleHit:
    """The line rule (if any) that decides a line, and every hint rule found in it."""

    rule: Rule | None
    hints: tuple[Rule, ...]


class RuleSet:
    """All rules compiled into two regexes: one whole-line alternation and one hint search.

    ``screen``: screen batches with RE2 when google-re2 is installed (the same hits, faster).
    Picklable (patterns are recompiled on unpickling) and free of global state.
    """

    def __init__(self, rules: tuple[Rule, ...] = RULES, screen: bool = True) -> None:
        self.rules = rules
        self.screen = screen
        self._compile()

    def _compile(self) -> None:
        line_rules = [r for r in self.rules if r.role != "hint"]
        self._by_group = {f"r{i}": r for i, r in enumerate(line_rules)}
        self._line_res = [_alternation(
            {f"r{i}": r for i, r in enumerate(line_rules) if r.cased == cased}
        ) for cased in (False, True)]
        self._hints = [(r, re.compile(r.pattern)) for r in self.rules if r.role == "hint"]
        # Few lines hold any hint: one search for all of them first, then each only if it found one.
        self._any_hint = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in self._hints) or "(?!)")
        self._hits: dict[tuple[Rule | None, tuple[Rule, ...]], RuleHit] = {}

    @cached_property
    def _screen(self) -> _Screen | None:
        """Built on first use, so that cleaning one small file (a cold start) never pays for
        importing and compiling it; None without google-re2 (the fast extra)."""
        if not self.screen or not self._hints:
            return None
        try:
            import re2
        except ImportError:
            return None
        return _Screen(re2, self._line_res[0].pattern, self._any_hint.pattern)

    def __getstate__(self) -> dict[str, object]:
        return {"rules": self.rules, "screen": self.screen}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.rules = state["rules"]  # type: ignore[assignment]
        self.screen = state["screen"]  # type: ignore[assignment]
        self._compile()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rules)

    def match_many(self, texts: Sequence[str]) -> list[RuleHit]:
        """``match`` of each text."""
        if self._screen is None or len(texts) < _SCREEN_LINES:
            return [self.match(t) for t in texts]
        folded = [_fold(t) for t in texts]
        norms = [f.lower() for f in folded]
        may_rule, may_hint = self._screen.candidates(norms)
        return [self._match(f, n, i in may_rule, i in may_hint, _table_row(t))
                for i, (t, f, n) in enumerate(zip(texts, folded, norms))]

    def match(self, text: str) -> RuleHit:
        """Find the line rule that decides ``text`` (if short enough and not a table row) and
        the hints in it."""
        folded = _fold(text)
        return self._match(folded, folded.lower(), True, True, _table_row(text))

    def _match(self, folded: str, norm: str, may_rule: bool, may_hint: bool,
               table_row: bool = False) -> RuleHit:
        """``match`` of a line folded and lower-cased; ``may_*``: False where the screen found
        that no lower-case line rule, or no hint, can match (the cased rules are cheap)."""
        rule = None
        if norm and norm.count(" ") < MAX_RULE_WORDS and not table_row:
            for regex, candidate, may in zip(self._line_res, (norm, folded), (may_rule, True)):
                m = regex.fullmatch(candidate) if may else None
                if m is not None:
                    rule = self._by_group[m.lastgroup]  # type: ignore[index]
                    break
        hints = ()
        if may_hint and self._any_hint.search(norm):
            hints = tuple(r for r, rx in self._hints if rx.search(norm))
        key = (rule, hints)
        hit = self._hits.get(key)
        if hit is None:  # one shared RuleHit per combination: most lines share "none"
            hit = self._hits[key] = RuleHit(rule, hints)
        return hit


def _table_row(text: str) -> bool:
    """A row of a table as trafilatura writes it (``| 1/1/2013 | +13.1% |``): its cells are
    the table's, and a whole-line rule does not decide them (a date or a price in a cell is
    data; on the pages the team read, rules took 580 article rows and 4 boilerplate ones)."""
    stripped = text.strip()
    return stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3


def _fold(text: str) -> str:
    """The line as rules see it: white space folded, bullets and dashes stripped at its ends."""
    return " ".join(text.split()).strip(_STRIP)


#: Below this many lines a batch is matched line by line: the screen's fixed cost would not pay.
_SCREEN_LINES = 64


class _Screen:
    """RE2 forms of the lower-case line alternation and of the hint search, run once over a
    batch of folded, lower-cased lines joined by line breaks: the lines they pass over cannot
    match, so only the few others go through Python's ``re``, which decides as before.

    Python's ``re`` tries an alternation branch by branch at every position (the rules' 30-odd
    branches with bounded repeats cost about 5 µs a line); RE2 scans once, in linear time. The
    RE2 forms are loosened (loosened) so that they match at least what Python's do.
    """

    def __init__(self, re2: ModuleType, line_pattern: str, hint_pattern: str) -> None:
        options = re2.Options()
        options.max_mem = 64 << 20
        self.line = re2.compile(f"(?m)^(?:{loosened(line_pattern)})$".encode(), options)
        self.hint = re2.compile(loosened(hint_pattern).encode(), options)

    def candidates(self, norms: Sequence[str]) -> tuple[set[int], set[int]]:
        """The lines (positions in ``norms``) the line alternation may match whole, and those
        the hint search may find something in."""
        encoded = [n.encode("utf-8", "surrogatepass") for n in norms]
        joined = b"\n".join(encoded)
        starts = np.cumsum([0] + [len(e) + 1 for e in encoded])

        def lines_of(regex: object) -> set[int]:  # a compiled re2 pattern
            at = [m.start() for m in regex.finditer(joined)]
            return set((np.searchsorted(starts, at, side="right") - 1).tolist())

        may_rule, may_hint = lines_of(self.line), lines_of(self.hint)
        if _SURROGATE.search(joined):  # text decoded with surrogateescape, say: no UTF-8 for RE2
            odd = {i for i, e in enumerate(encoded) if _SURROGATE.search(e)}
            may_rule |= odd
            may_hint |= odd
        return may_rule, may_hint


#: A lone surrogate (U+D800-U+DFFF) as "surrogatepass" encodes it.
_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def loosened(pattern: str) -> str:
    """``pattern`` for RE2, matching at least what Python's ``re`` matches in a folded,
    lower-cased line (whose only white space is " "), and never across a line break.

    Python's ``\\w``, ``\\d`` and ``\\b`` are Unicode-aware and RE2's are not: ``\\w`` becomes
    any character but a space or line break (in a class holding a space, any but a line break),
    ``\\d`` any number, ``\\b`` nothing; ``\\s`` a space; a negated class also refuses a line
    break; and a bounded repeat ``{m,n}`` loses its bound ``{m,}``, which keeps RE2's automaton
    small (bounded repeats of Unicode classes made it run out of memory).
    """
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i : i + 2]
            out.append({r"\w": "[^\n ]", r"\d": r"\pN", r"\s": " ", r"\b": ""}.get(escape, escape))
            i += 2
        elif char == "[":
            end = i + 1 + (pattern[i + 1] == "^")
            end += pattern[end] == "]"  # a "]" first in a class is itself
            while pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            body = pattern[i + 1 : end]
            if body.startswith("^"):
                out.append("[^\n" + body[1:].replace(r"\s", " ") + "]")
            elif r"\w" in body:
                out.append("[^\n]" if " " in body or r"\s" in body else "[^\n ]")
            else:
                out.append("[" + body.replace(r"\d", r"\pN").replace(r"\s", " ") + "]")
            i = end + 1
        elif char == "{":
            end = pattern.index("}", i)
            low, comma, _ = pattern[i + 1 : end].partition(",")
            out.append("{" + low + ",}" if comma else pattern[i : end + 1])
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _alternation(rules: dict[str, Rule]) -> re.Pattern[str]:
    """One regex that tries every rule, with a named group per rule and trailing punctuation."""
    body = "|".join(f"(?P<{group}>{rule.pattern})" for group, rule in rules.items())
    return re.compile(f"(?:{body}){_TRAILING}")
