"""The certificate's fixed wording in every language it is issued in.

These texts are close to legal wording, so they live here, reviewed as a whole, rather than in the interface
catalogues: a certificate must never fall back to another language mid-sentence. Keep them short and plain.
"""

# Methods by which a competence was shown; the snapshot stores these codes.
METHODS = ("interview", "workplace", "portfolio")
# Assessor roles with a fixed wording; any other role is printed as given.
ROLES = ("teacher", "counsellor", "workplace_tutor")

TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "qr_code": "QR-koodi",
        "title": "Osaamisen tunnistamisen todistus",
        "nature": "Tämä on osaamisen tunnistamisen todistus, jonka on antanut {issuer}. Se ei ole tutkintotodistus.",
        "formally_recognised": "{issuer} on koulutuksen järjestäjä, jolla on oikeus tunnustaa osaamista. "
                               "Virallisesti tunnustetuiksi merkityt tutkinnon osat on tunnustettu osaksi tutkintoa.",
        "explanation": "Osaamisen tunnistaminen tarkoittaa, että työssä, arjessa tai aiemmissa opinnoissa hankittu "
                       "osaaminen tunnistetaan, dokumentoidaan, arvioidaan ja todistetaan. Tässä todistuksessa "
                       "mainittu osaaminen on arvioitu alla nimetyn tutkinnon osaamistavoitteita vasten.",
        "holder": "Todistuksen saaja", "birth_date": "Syntymäaika", "qualification": "Tutkinto",
        "unit": "Tutkinnon osa", "credits": "osaamispistettä", "outcome": "Osaamistavoite", "level": "Taso",
        "scale": "Arviointiasteikko", "shown_by": "Osoitettu", "method_interview": "Haastattelu",
        "method_workplace": "Näyttö työpaikalla", "method_portfolio": "Portfolio",
        "recognised": "Virallisesti tunnustettu", "assessors": "Arvioijat", "role_teacher": "Ammatillinen opettaja",
        "role_counsellor": "Ohjaaja", "role_workplace_tutor": "Työpaikkaohjaaja", "issuer": "Todistuksen antaja",
        "place_date": "Paikka ja päivämäärä", "decided_on": "Arviointipäätös", "number": "Todistuksen numero",
        "verify": "Todistuksen aitouden voi tarkistaa osoitteessa",
        "seal": "Asiakirjassa on todistuksen antajan sähköinen sinetti.",
        "in_fi": "(suomeksi)", "in_sv": "(ruotsiksi)", "in_en": "(englanniksi)", "list_separator": ", ",
        "partly": "Osittain tunnustettu", "remaining": "Vielä opittavaa (arvioijien sanoin):",
        "remaining_unnamed": "Osaamistavoitteen loppuosa on vielä opittava.", "latin_name": "latinalaisin kirjaimin",
        "page": "Sivu {page} / {pages}",
        "preview": "ESIKATSELU – ei voimassa oleva todistus",
    },
    "sv": {
        "qr_code": "QR-kod",
        "title": "Intyg över validering av kunnande",
        "nature": "Detta är ett intyg över validering, utfärdat av {issuer}. Det är inte ett examensbetyg.",
        "formally_recognised": "{issuer} är en utbildningsanordnare med rätt att erkänna kunnande. De examensdelar "
                               "som är markerade som formellt erkända har erkänts som en del av examen.",
        "explanation": "Validering av icke-formellt och informellt lärande innebär att kunnande som förvärvats i "
                       "arbete, i vardagen eller i tidigare studier identifieras, dokumenteras, bedöms och intygas. "
                       "Kunnandet i detta intyg har bedömts mot lärandemålen i den examen som nämns nedan.",
        "holder": "Innehavare", "birth_date": "Födelsedatum", "qualification": "Examen", "unit": "Examensdel",
        "credits": "kompetenspoäng", "outcome": "Lärandemål", "level": "Nivå", "scale": "Bedömningsskala",
        "shown_by": "Påvisat genom", "method_interview": "Intervju",
        "method_workplace": "Demonstration på arbetsplatsen", "method_portfolio": "Portfolio",
        "recognised": "Formellt erkänd", "assessors": "Bedömare", "role_teacher": "Yrkeslärare",
        "role_counsellor": "Vägledare", "role_workplace_tutor": "Arbetsplatshandledare", "issuer": "Utfärdat av",
        "place_date": "Ort och datum", "decided_on": "Bedömningsbeslut", "number": "Intygets nummer",
        "verify": "Kontrollera att intyget är äkta på adressen",
        "seal": "Dokumentet har den utfärdande organisationens elektroniska sigill.",
        "in_fi": "(på finska)", "in_sv": "(på svenska)", "in_en": "(på engelska)", "list_separator": ", ",
        "partly": "Delvis erkänt", "remaining": "Återstår att lära (med bedömarnas ord):",
        "remaining_unnamed": "Resten av lärandemålet återstår att lära.", "latin_name": "med latinska bokstäver",
        "page": "Sida {page} / {pages}",
        "preview": "FÖRHANDSVISNING – inte ett giltigt intyg",
    },
    "en": {
        "qr_code": "QR code",
        "title": "Validation certificate",
        "nature": "This is a validation certificate issued by {issuer}. It is not a degree or a qualification "
                  "certificate.",
        "formally_recognised": "{issuer} is an authorised education provider. The units marked as formally "
                               "recognised have been recognised as part of the qualification.",
        "explanation": "Validation of non-formal and informal learning means that what a person has learned at "
                       "work, in everyday life or in earlier studies is identified, documented, assessed and "
                       "certified. The competences on this certificate were assessed against the learning outcomes "
                       "of the qualification named below.",
        "holder": "Holder", "birth_date": "Date of birth", "qualification": "Qualification", "unit": "Unit",
        "credits": "competence points", "outcome": "Learning outcome", "level": "Level",
        "scale": "Assessment scale", "shown_by": "Shown by", "method_interview": "Interview",
        "method_workplace": "Workplace demonstration", "method_portfolio": "Portfolio",
        "recognised": "Formally recognised", "assessors": "Assessors", "role_teacher": "Vocational teacher",
        "role_counsellor": "Counsellor", "role_workplace_tutor": "Workplace tutor", "issuer": "Issued by",
        "place_date": "Place and date", "decided_on": "Assessment decided on", "number": "Certificate number",
        "verify": "Check that this certificate is genuine at",
        "seal": "This document carries the electronic seal of the issuing organisation.",
        "in_fi": "(in Finnish)", "in_sv": "(in Swedish)", "in_en": "(in English)", "list_separator": ", ",
        "partly": "Partly recognised", "remaining": "Still to be learnt (in the assessors' words):",
        "remaining_unnamed": "The rest of this learning outcome is still to be learnt.",
        "latin_name": "in Latin letters", "page": "Page {page} / {pages}",
        "preview": "PREVIEW – not a valid certificate",
    },
    "ar": {
        "qr_code": "رمز QR",
        "title": "شهادة الاعتراف بالكفاءات",
        "nature": "هذه شهادة اعتراف بالكفاءات صادرة عن {issuer}. وهي ليست شهادة مؤهل أو درجة علمية.",
        "formally_recognised": "{issuer} جهة تعليمية معتمدة. الوحدات المشار إليها بأنها معترف بها رسميًا "
                               "اعتُرف بها جزءًا من المؤهل.",
        "explanation": "الاعتراف بالتعلم غير النظامي وغير الرسمي يعني تحديد ما تعلّمه الشخص في العمل أو في الحياة "
                       "اليومية أو في دراسة سابقة، وتوثيقه وتقييمه والإشهاد عليه. وقد قُيّمت الكفاءات المذكورة في "
                       "هذه الشهادة وفق مخرجات التعلم للمؤهل المذكور أدناه.",
        "holder": "حامل الشهادة", "birth_date": "تاريخ الميلاد", "qualification": "المؤهل", "unit": "الوحدة",
        "credits": "نقاط كفاءة", "outcome": "مخرج التعلم", "level": "المستوى", "scale": "سلّم التقييم",
        "shown_by": "طريقة الإثبات", "method_interview": "مقابلة", "method_workplace": "عرض عملي في مكان العمل",
        "method_portfolio": "ملف الإنجاز", "recognised": "معترف بها رسميًا", "assessors": "المقيّمون",
        "role_teacher": "مدرّس مهني", "role_counsellor": "مرشد", "role_workplace_tutor": "مشرف في مكان العمل",
        "issuer": "الجهة المصدِرة", "place_date": "المكان والتاريخ", "decided_on": "تاريخ قرار التقييم",
        "number": "رقم الشهادة", "verify": "للتحقق من صحة هذه الشهادة:",
        "seal": "تحمل هذه الوثيقة الختم الإلكتروني للجهة المصدِرة.",
        "in_fi": "(بالفنلندية)", "in_sv": "(بالسويدية)", "in_en": "(بالإنجليزية)", "list_separator": "، ",
        "partly": "معترف به جزئيًا", "remaining": "ما يجب تعلّمه بعد (بكلمات المقيّمين):",
        "remaining_unnamed": "ما تبقّى من مخرج التعلم هذا لم يُتعلَّم بعد.", "latin_name": "بالحروف اللاتينية",
        "page": "الصفحة {page} من {pages}",
        "preview": "معاينة – ليست شهادة صالحة",
    },
    "fa": {
        "qr_code": "کد QR",
        "title": "گواهی تأیید شایستگی‌ها",
        "nature": "این گواهی تأیید شایستگی است که {issuer} صادر کرده است. این گواهی مدرک تحصیلی یا گواهینامهٔ "
                  "صلاحیت حرفه‌ای نیست.",
        "formally_recognised": "{issuer} یک مؤسسهٔ آموزشی مجاز است. واحدهایی که «رسماً پذیرفته شده» علامت "
                               "خورده‌اند، به‌عنوان بخشی از صلاحیت پذیرفته شده‌اند.",
        "explanation": "تأیید یادگیری غیررسمی و ضمنی یعنی آنچه فرد در کار، در زندگی روزمره یا در تحصیلات پیشین "
                       "آموخته است شناسایی، مستند، ارزیابی و گواهی شود. شایستگی‌های این گواهی بر اساس نتایج "
                       "یادگیری صلاحیتی که در زیر آمده ارزیابی شده‌اند.",
        "holder": "دارندهٔ گواهی", "birth_date": "تاریخ تولد", "qualification": "صلاحیت", "unit": "واحد",
        "credits": "امتیاز شایستگی", "outcome": "نتیجهٔ یادگیری", "level": "سطح", "scale": "مقیاس ارزیابی",
        "shown_by": "روش اثبات", "method_interview": "مصاحبه", "method_workplace": "نمایش عملی در محل کار",
        "method_portfolio": "کارپوشه", "recognised": "رسماً پذیرفته شده", "assessors": "ارزیابان",
        "role_teacher": "معلم حرفه‌ای", "role_counsellor": "مشاور", "role_workplace_tutor": "راهنمای محل کار",
        "issuer": "صادرکننده", "place_date": "محل و تاریخ", "decided_on": "تاریخ تصمیم ارزیابی",
        "number": "شمارهٔ گواهی", "verify": "برای بررسی اصالت این گواهی:",
        "seal": "این سند مهر الکترونیکی سازمان صادرکننده را دارد.",
        "in_fi": "(به فنلاندی)", "in_sv": "(به سوئدی)", "in_en": "(به انگلیسی)", "list_separator": "، ",
        "partly": "تا حدی پذیرفته شده", "remaining": "آنچه هنوز باید یاد گرفته شود (به بیان ارزیابان):",
        "remaining_unnamed": "بقیهٔ این نتیجهٔ یادگیری هنوز باید یاد گرفته شود.", "latin_name": "با حروف لاتین",
        "page": "صفحهٔ {page} از {pages}",
        "preview": "پیش‌نمایش – گواهی معتبر نیست",
    },
    "ru": {
        "qr_code": "QR-код",
        "title": "Свидетельство о подтверждении компетенций",
        "nature": "Это свидетельство о подтверждении компетенций, выданное организацией {issuer}. Оно не является "
                  "дипломом или свидетельством о квалификации.",
        "formally_recognised": "{issuer} — уполномоченное образовательное учреждение. Модули, отмеченные как "
                               "официально признанные, признаны частью квалификации.",
        "explanation": "Подтверждение результатов неформального и информального обучения означает, что знания и "
                       "навыки, полученные на работе, в повседневной жизни или во время прежней учёбы, выявляются, "
                       "документируются, оцениваются и удостоверяются. Компетенции в этом свидетельстве оценены по "
                       "результатам обучения указанной ниже квалификации.",
        "holder": "Владелец", "birth_date": "Дата рождения", "qualification": "Квалификация", "unit": "Модуль",
        "credits": "баллов компетенции", "outcome": "Результат обучения", "level": "Уровень",
        "scale": "Шкала оценки", "shown_by": "Способ подтверждения", "method_interview": "Собеседование",
        "method_workplace": "Демонстрация на рабочем месте", "method_portfolio": "Портфолио",
        "recognised": "Официально признан", "assessors": "Оценщики",
        "role_teacher": "Преподаватель профессионального обучения", "role_counsellor": "Консультант",
        "role_workplace_tutor": "Наставник на рабочем месте", "issuer": "Выдано", "place_date": "Место и дата",
        "decided_on": "Дата решения об оценке", "number": "Номер свидетельства",
        "verify": "Проверить подлинность свидетельства:",
        "seal": "Документ заверен электронной печатью выдавшей организации.",
        "in_fi": "(на финском)", "in_sv": "(на шведском)", "in_en": "(на английском)", "list_separator": ", ",
        "partly": "Признан частично", "remaining": "Ещё нужно освоить (словами оценщиков):",
        "remaining_unnamed": "Остальную часть этого результата обучения ещё нужно освоить.",
        "latin_name": "латиницей", "page": "Страница {page} / {pages}",
        "preview": "ПРЕДВАРИТЕЛЬНЫЙ ПРОСМОТР – недействительно",
    },
    "so": {
        "qr_code": "Koodhka QR",
        "title": "Shahaadada Aqoonsiga Xirfadaha",
        "nature": "Tani waa shahaadada aqoonsiga xirfadaha oo ay bixisay {issuer}. Ma aha shahaado jaamacadeed ama "
                  "shahaado tacliineed oo rasmi ah.",
        "formally_recognised": "{issuer} waa machad waxbarasho oo la oggol yahay. Qaybaha lagu calaamadeeyay in si "
                               "rasmi ah loo aqoonsaday waxaa loo aqoonsaday qayb ka mid ah barnaamijka xirfadeed.",
        "explanation": "Aqoonsiga barashada aan rasmiga ahayn macnaheedu waa in la aqoonsado, la diiwaangeliyo, la "
                       "qiimeeyo oo la caddeeyo waxa qofku ku bartay shaqada, nolosha maalinlaha ah ama waxbarasho "
                       "hore. Xirfadaha shahaadadan ku qoran waxaa lagu qiimeeyay natiijooyinka barashada ee "
                       "barnaamijka xirfadeed ee hoos ku xusan.",
        "holder": "Qofka shahaadada leh", "birth_date": "Taariikhda dhalashada",
        "qualification": "Barnaamijka xirfadeed", "unit": "Qayb", "credits": "dhibcood",
        "outcome": "Natiijada barashada", "level": "Heerka", "scale": "Cabbirka qiimaynta",
        "shown_by": "Sida loo muujiyay",
        "method_interview": "Waraysi", "method_workplace": "Muujin goobta shaqada",
        "method_portfolio": "Faylka shaqooyinka", "recognised": "Si rasmi ah loo aqoonsaday",
        "assessors": "Qiimeeyayaasha", "role_teacher": "Macallin xirfadeed", "role_counsellor": "La-taliye",
        "role_workplace_tutor": "Kormeeraha goobta shaqada", "issuer": "Waxaa bixiyay",
        "place_date": "Goobta iyo taariikhda", "decided_on": "Taariikhda go'aanka qiimaynta",
        "number": "Lambarka shahaadada", "verify": "Hubi in shahaadadani run tahay:",
        "seal": "Dukumeentigan wuxuu leeyahay shaabadda elektaroonigga ah ee hay'adda bixisay.",
        "in_fi": "(oo Finnish ah)", "in_sv": "(oo Iswiidhish ah)", "in_en": "(oo Ingiriisi ah)",
        "list_separator": ", ", "partly": "Qayb ahaan waa la aqoonsaday",
        "remaining": "Waxa weli la baranayo (erayada qiimeeyayaasha):",
        "remaining_unnamed": "Inta ka hartay natiijadan waxbarasho weli waa in la barto.",
        "latin_name": "xarfo Laatiin ah", "page": "Bogga {page} / {pages}",
        "preview": "MUUQAAL HORE – shahaado ansax ah ma aha",
    },
    "ti": {
        "qr_code": "QR ኮድ",
        "title": "ምስክር ወረቀት ኣፍልጦ ክእለት",
        "nature": "እዚ ብ{issuer} ዝተዋህበ ምስክር ወረቀት ኣፍልጦ ክእለት እዩ። ዲግሪ ወይ ምስክር ወረቀት ብቕዓት ኣይኮነን።",
        "formally_recognised": "{issuer} ፍቑድ ትካል ትምህርቲ እዩ። ብወግዒ ኣፍልጦ ረኺቦም ተባሂሎም ዝተመልከቱ ክፍልታት "
                               "ከም ክፋል ናይቲ ብቕዓት ኣፍልጦ ረኺቦም እዮም።",
        "explanation": "ኣፍልጦ ዘይወግዓዊ ትምህርቲ ማለት ሓደ ሰብ ኣብ ስራሕ፣ ኣብ መዓልታዊ ህይወት ወይ ኣብ ቅድሚ ሕጂ ዝነበሮ "
                       "ትምህርቲ ዝተማህሮ ምልላይ፣ ምስናድ፣ ምግምጋምን ምምስካርን እዩ። ኣብዚ ምስክር ወረቀት ዘለዉ ክእለታት ብመሰረት "
                       "ውጽኢታት ትምህርቲ ናይቲ ኣብ ታሕቲ ዝተጠቕሰ ብቕዓት ተገምጊሞም እዮም።",
        "holder": "ወናኒ", "birth_date": "ዕለት ልደት", "qualification": "ብቕዓት", "unit": "ክፍሊ",
        "credits": "ነጥቢ ብቕዓት", "outcome": "ውጽኢት ትምህርቲ", "level": "ደረጃ", "scale": "መለክዒ ግምገማ",
        "shown_by": "ዝተረጋገጸሉ መንገዲ", "method_interview": "ቃለ-መሕትት", "method_workplace": "ኣብ ቦታ ስራሕ ምርኣይ",
        "method_portfolio": "ፖርትፎሊዮ", "recognised": "ብወግዒ ኣፍልጦ ረኺቡ", "assessors": "ገምገምቲ",
        "role_teacher": "መምህር ሞያ", "role_counsellor": "ኣማኻሪ", "role_workplace_tutor": "መምርሒ ቦታ ስራሕ",
        "issuer": "ዝሃበ", "place_date": "ቦታን ዕለትን", "decided_on": "ዕለት ውሳነ ግምገማ",
        "number": "ቁጽሪ ምስክር ወረቀት", "verify": "ሓቀኛነት ናይዚ ምስክር ወረቀት ኣብዚ ኣረጋግጹ፦",
        "seal": "እዚ ሰነድ ናይቲ ዝሃበ ትካል ኤሌክትሮኒካዊ ማሕተም ኣለዎ።",
        "in_fi": "(ብፊንላንድኛ)", "in_sv": "(ብሽወደንኛ)", "in_en": "(ብእንግሊዝኛ)", "list_separator": "፣ ",
        "partly": "ብኸፊል ኣፍልጦ ረኺቡ", "remaining": "ገና ክምሃር ዘለዎ (ብቓላት ገምገምቲ)፦",
        "remaining_unnamed": "ዝተረፈ ክፋል ናይዚ ውጽኢት ትምህርቲ ገና ክምሃር ኣለዎ።", "latin_name": "ብላቲን ፊደላት",
        "page": "ገጽ {page} / {pages}",
        "preview": "ቅድመ-ርእይ – ቅቡል ምስክር ወረቀት ኣይኮነን",
    },
    "uk": {
        "qr_code": "QR-код",
        "title": "Свідоцтво про підтвердження компетентностей",
        "nature": "Це свідоцтво про підтвердження компетентностей, видане організацією {issuer}. Воно не є дипломом "
                  "чи свідоцтвом про кваліфікацію.",
        "formally_recognised": "{issuer} — уповноважений заклад освіти. Модулі, позначені як офіційно визнані, "
                               "визнано частиною кваліфікації.",
        "explanation": "Підтвердження результатів неформального та інформального навчання означає, що знання й "
                       "уміння, здобуті на роботі, у повсякденному житті або під час попереднього навчання, "
                       "виявляють, документують, оцінюють і засвідчують. Компетентності в цьому свідоцтві оцінено "
                       "відповідно до результатів навчання кваліфікації, зазначеної нижче.",
        "holder": "Власник", "birth_date": "Дата народження", "qualification": "Кваліфікація", "unit": "Модуль",
        "credits": "балів компетентності", "outcome": "Результат навчання", "level": "Рівень",
        "scale": "Шкала оцінювання", "shown_by": "Спосіб підтвердження", "method_interview": "Співбесіда",
        "method_workplace": "Демонстрація на робочому місці", "method_portfolio": "Портфоліо",
        "recognised": "Офіційно визнано", "assessors": "Оцінювачі",
        "role_teacher": "Викладач професійного навчання", "role_counsellor": "Консультант",
        "role_workplace_tutor": "Наставник на робочому місці", "issuer": "Видано", "place_date": "Місце і дата",
        "decided_on": "Дата рішення про оцінювання", "number": "Номер свідоцтва",
        "verify": "Перевірити справжність свідоцтва:",
        "seal": "Документ засвідчено електронною печаткою організації, що його видала.",
        "in_fi": "(фінською)", "in_sv": "(шведською)", "in_en": "(англійською)", "list_separator": ", ",
        "partly": "Визнано частково", "remaining": "Ще потрібно опанувати (словами оцінювачів):",
        "remaining_unnamed": "Решту цього результату навчання ще потрібно опанувати.",
        "latin_name": "латиницею", "page": "Сторінка {page} / {pages}",
        "preview": "ПОПЕРЕДНІЙ ПЕРЕГЛЯД – недійсне",
    },
}

# The order in which languages are offered and printed: the official languages first, then the clients'.
LANGUAGES = tuple(TEXTS)


def text(lang: str, key: str, **values) -> str:
    return TEXTS[lang][key].format(**values) if values else TEXTS[lang][key]


def method_label(lang: str, method: str) -> str:
    return TEXTS[lang].get(f"method_{method}", method)


def role_label(lang: str, role: str) -> str:
    return TEXTS[lang].get(f"role_{role}", role)
