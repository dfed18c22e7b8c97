"""Seeded, news-like filler text in English, Arabic and Spanish.

The filler is invented and deliberately bland (roles, not named people). Each outlet has a
vocabulary pack so that SANA filler reads like Syrian service news, Prensa Latina like
Cuban and Latin American wire copy, and Emirates Voice like Gulf syndicated copy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PACKS: dict[str, dict[str, list[str]]] = {
    "sana-en": {
        "short": ["Economy Minister", "Health Ministry", "{place} Governor",
                  "Electricity Ministry", "Education Ministry", "Transport Ministry"],
        "place": ["Damascus", "Aleppo", "Homs", "Hama", "Latakia", "Tartous", "Daraa",
                  "Deir Ezzor", "Sweida", "Idleb", "Quneitra", "Hasaka"],
        "actor": ["the Minister of Economy and Foreign Trade", "the Governor of {place}",
                  "the Ministry of Health", "the head of {place}'s Chamber of Industry",
                  "a spokesman for the Ministry of Electricity", "the Ministry of Education",
                  "the Director of Agriculture in {place}", "the Ministry of Transport"],
        "topic": ["the rehabilitation of water pumping stations", "the wheat purchasing season",
                  "the restoration of the old market", "solar power projects",
                  "preparations for the new school year", "a vaccination campaign against measles",
                  "the return of displaced families", "repairs to the international highway",
                  "the new investment law", "the restoration of electricity lines",
                  "flour allocations to bakeries", "the reopening of border crossings"],
    },
    "pl-en": {
        "short": ["Cuban Health Minister", "Cuba's Foreign Ministry", "{place} Governor",
                  "Central Bank", "Small farmers' association", "Tourism director"],
        "place": ["Havana", "Santiago de Cuba", "Caracas", "Mexico City", "La Paz", "Managua",
                  "Bogota", "Brasilia", "Buenos Aires", "Moscow", "Beijing", "Matanzas"],
        "actor": ["Cuba's Minister of Public Health", "the island's Foreign Ministry",
                  "the Governor of {place}", "the country's Central Bank",
                  "the president of the National Association of Small Farmers",
                  "Venezuela's Foreign Minister", "the Director of Tourism in {place}",
                  "the head of the country's Electric Union"],
        "topic": ["the US blockade's effects on the economy", "the island's sugar harvest",
                  "Cuba's medical cooperation programme", "renewable energy sources",
                  "the winter tourist season", "food production in the provinces",
                  "the housing programme", "regional integration within CELAC",
                  "the recovery of the national power grid", "the vaccination campaign",
                  "South-South cooperation", "the country's biotechnology exports"],
    },
    "ev-en": {
        "short": ["Dubai Tourism", "UAE Economy Ministry", "Aviation authority",
                  "{place} Municipality", "Roads authority", "Weather centre"],
        "place": ["Dubai", "Abu Dhabi", "Sharjah", "Riyadh", "Doha", "Muscat", "Kuwait City",
                  "Manama", "Cairo", "Beirut", "Ras Al Khaimah", "Fujairah"],
        "actor": ["the Dubai Department of Tourism", "the UAE's Ministry of Economy",
                  "the General Civil Aviation Authority", "a spokesman for {place} Municipality",
                  "the region's largest airline", "the chief executive of a property developer",
                  "the Roads and Transport Authority", "the National Centre of Meteorology"],
        "topic": ["hotel occupancy this season", "the new metro extension",
                  "the region's property market", "a new cruise terminal",
                  "weekend traffic on the coastal road", "the summer shopping festival",
                  "flight connections to Asia", "the country's start-up scene",
                  "renewable energy investment", "cooler weather over the weekend",
                  "the Gulf's aviation sector", "a new heritage museum"],
    },
    "sana-ar": {
        "place": ["دمشق", "حلب", "حمص", "حماة", "اللاذقية", "طرطوس", "درعا", "دير الزور",
                  "السويداء", "إدلب"],
        "actor": ["وزير الاقتصاد والتجارة الخارجية", "محافظ {place}", "وزارة الصحة",
                  "مدير الكهرباء في {place}", "رئيس غرفة صناعة {place}", "وزارة التربية",
                  "مدير الزراعة في {place}", "وزارة النقل"],
        "topic": ["إعادة تأهيل محطات ضخ المياه", "موسم تسويق القمح", "ترميم السوق القديمة",
                  "مشاريع الطاقة الشمسية", "التحضير للعام الدراسي الجديد",
                  "حملة التلقيح ضد الحصبة", "عودة الأسر المهجرة", "صيانة الطريق الدولي",
                  "قانون الاستثمار الجديد", "إصلاح خطوط الكهرباء", "مخصصات الأفران من الطحين"],
    },
    "ev-ar": {
        "place": ["دبي", "أبوظبي", "الشارقة", "رأس الخيمة", "الفجيرة", "عجمان"],
        "actor": ["الكاتب", "المواطن", "المسؤول", "الزائر"],
        "topic": ["معنى الانتماء", "ذاكرة المدينة", "قيمة العمل", "أحلام الشباب",
                  "صورة الخليج في العالم", "الثقافة والقراءة", "التسامح بين الناس"],
    },
    "pl-es": {
        "short": ["Ministro de Salud", "Cancillería cubana", "Gobernador de {place}",
                  "Banco Central de Cuba", "ANAP", "Directora de Turismo"],
        "place": ["La Habana", "Santiago de Cuba", "Caracas", "Ciudad de México", "La Paz",
                  "Managua", "Bogotá", "Brasilia", "Matanzas", "Cienfuegos"],
        "actor": ["el ministro cubano de Salud Pública", "la Cancillería cubana",
                  "el gobernador de {place}", "el Banco Central de Cuba",
                  "el presidente de la Asociación Nacional de Agricultores Pequeños",
                  "la directora de Turismo en {place}", "fuentes oficiales"],
        "topic": ["la campaña de vacunación", "la zafra azucarera",
                  "la recuperación del sistema eléctrico", "la temporada turística de invierno",
                  "la producción de alimentos", "el programa de la vivienda",
                  "la cooperación médica internacional", "las fuentes renovables de energía"],
    },
}

GRAMMAR: dict[str, dict[str, list[str]]] = {
    "en": {
        "said": ["said", "announced", "stressed", "pointed out", "affirmed", "noted"],
        "state": ["is nearly complete", "is under way", "is about {pct} percent complete",
                  "will be finished by the end of the month", "has entered its final stage"],
        "aim": ["improve services for citizens", "support local producers",
                "reduce waiting times", "attract new investment", "restore normal life",
                "create jobs for young people"],
        "unit": ["families", "tons of wheat", "kilometres of road", "housing units", "students",
                 "megawatts", "visitors", "passengers"],
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "sentence": ["{Actor} {said} on {day} that work on {topic} in {place} {state}.",
                     "According to {actor}, {number} {unit} have benefited since the beginning "
                     "of the year.",
                     "The plan aims to {aim}, {actor} {said}.",
                     "{Actor} called for more coordination on {topic}.",
                     "A meeting in {place} also discussed {topic} and {topic2}.",
                     "Officials expect {topic} to {aim} in the coming months.",
                     "In a statement, {actor} {said} that {number} {unit} were registered "
                     "last week."],
        "quote": ["{Actor} said: \"We are confident that {topic} will {aim}.\"",
                  "\"This is a big step for the people of {place},\" {actor} said."],
        "title": ["{Actor_short} discusses {topic} in {place}",
                  "{Number} {unit} benefit from {topic} in {place}",
                  "{Place}: work on {topic} {state}", "{Topic} to {aim}, officials say"],
    },
    "ar": {
        "said": ["أكد", "أوضح", "أشار", "بيّن", "أعلن"],
        "state": ["وصل إلى مراحله الأخيرة", "مستمر وفق الخطة المرسومة",
                  "أنجز بنسبة {pct} بالمئة", "سينتهي مع نهاية الشهر الجاري"],
        "aim": ["تحسين الخدمات المقدمة للمواطنين", "دعم المنتجين المحليين",
                "تخفيف الازدحام", "جذب الاستثمارات", "توفير فرص العمل للشباب"],
        "unit": ["أسرة", "طن من القمح", "كيلومتر من الطرق", "مسكن", "طالب", "زائر"],
        "day": ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
        "sentence": ["{said} {actor} اليوم أن العمل في {topic} في {place} {state}.",
                     "وبحسب {actor}، استفاد {number} {unit} منذ بداية العام.",
                     "وتهدف الخطة إلى {aim}.",
                     "ودعا {actor} إلى تعزيز التنسيق بشأن {topic}.",
                     "وناقش الاجتماع في {place} أيضاً {topic} و{topic2}.",
                     "ويتوقع المعنيون أن يسهم {topic} في {aim} خلال الأشهر القادمة."],
        "quote": ["وقال {actor}: \"نحن واثقون من أن {topic} سيسهم في {aim}\"."],
        "title": ["{actor} يبحث {topic} في {place}", "{place}: {topic} {state}",
                  "استفادة {number} {unit} من {topic} في {place}"],
    },
    "es": {
        "said": ["afirmó", "señaló", "aseguró", "destacó", "informó"],
        "state": ["avanza según lo previsto", "está casi concluida",
                  "muestra un avance del {pct} por ciento", "concluirá a fin de mes"],
        "aim": ["mejorar los servicios a la población", "apoyar a los productores locales",
                "atraer nuevas inversiones", "crear empleos para los jóvenes"],
        "unit": ["familias", "toneladas de azúcar", "viviendas", "estudiantes", "visitantes"],
        "day": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
        "sentence": ["{Actor} {said} este {day} que {topic} en {place} {state}.",
                     "Según {actor}, más de {number} {unit} se beneficiaron desde enero.",
                     "La iniciativa busca {aim}, {said} {actor}.",
                     "{Actor} llamó a fortalecer la coordinación sobre {topic}.",
                     "El encuentro en {place} abordó además {topic} y {topic2}."],
        "quote": ["\"Estamos convencidos de que {topic} permitirá {aim}\", dijo {actor}."],
        "title": ["{Actor_short} analiza {topic} en {place}", "{Place}: {topic} {state}",
                  "Más de {number} {unit} se benefician de {topic}"],
    },
}


@dataclass(frozen=True)
class Story:
    """A generated story: headline, paragraphs, and the place its dateline should name."""

    title: str
    paragraphs: list[str]
    place: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class TextGen:
    """Generates stories for one vocabulary pack (``sana-en``, ``pl-es``...)."""

    def __init__(self, rng: random.Random, pack: str) -> None:
        self.rng = rng
        self.pack = PACKS[pack]
        self.grammar = GRAMMAR[{"ar": "ar", "es": "es"}.get(pack.rsplit("-", 1)[1], "en")]

    def _fill(self, template: str, place: str, topic: str) -> str:
        rng, pack, gram = self.rng, self.pack, self.grammar
        actor = rng.choice(pack["actor"]).format(place=place)
        values = {
            "place": place, "topic": topic,
            "topic2": rng.choice([t for t in pack["topic"] if t != topic]),
            "actor": actor, "said": rng.choice(gram["said"]), "day": rng.choice(gram["day"]),
            "state": rng.choice(gram["state"]).format(pct=rng.randint(40, 95)),
            "aim": rng.choice(gram["aim"]), "unit": rng.choice(gram["unit"]),
            "number": f"{rng.randint(12, 4800):,}",
        }
        values |= {f"{_cap(k)}": _cap(v) for k, v in values.items()}
        values["Actor_short"] = rng.choice(pack.get("short", pack["actor"])).format(place=place)
        return template.format(**values)

    def story(self, paragraphs: int | None = None) -> Story:
        """A title and 4 to 10 paragraphs of two or three sentences."""
        rng = self.rng
        place = rng.choice(self.pack["place"])
        topic = rng.choice(self.pack["topic"])
        title = self._fill(rng.choice(self.grammar["title"]), place, topic)
        count = paragraphs or rng.randint(4, 10)
        paras = []
        for index in range(count):
            templates = self.grammar["quote"] if index == 2 else self.grammar["sentence"]
            sentences = [self._fill(rng.choice(templates), place, topic)]
            sentences += [self._fill(rng.choice(self.grammar["sentence"]), place, topic)
                          for _ in range(rng.randint(1, 2))]
            paras.append(" ".join(sentences))
        return Story(title, paras, place)
