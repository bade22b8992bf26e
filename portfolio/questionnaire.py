"""The identification questionnaire: its questions as data, in every client language, until catalogues exist.

Each answer may flow into the portfolio: expectations become goals, skills become other-skill and language entries,
so nothing is typed twice. The counsellor's appraisal is staff-only and stays in the questionnaire.
"""

from dataclasses import dataclass

from isok.i18n import localized
from portfolio.models import Section


@dataclass(frozen=True)
class Question:
    key: str
    texts: dict[str, str]
    flows_to: Section | None = None
    kind: str | None = None  # the "kind" detail of the entry it becomes
    staff_only: bool = False

    def text(self, locale: str) -> str:
        return localized(self.texts, locale)


@dataclass(frozen=True)
class Part:
    key: str
    texts: dict[str, str]
    questions: tuple[Question, ...]

    def text(self, locale: str) -> str:
        return localized(self.texts, locale)


INTRO = {
    "en": "Answer in your own words, in the language you prefer. You can leave questions empty and come back later.",
    "fi": "Vastaa omin sanoin, sillä kielellä jota haluat. Voit jättää kysymyksiä tyhjiksi ja palata niihin myöhemmin.",
    "sv": "Svara med egna ord, på det språk du vill. Du kan lämna frågor tomma och komma tillbaka senare.",
    "ar": "أجب بكلماتك الخاصة، باللغة التي تفضلها. يمكنك ترك بعض الأسئلة فارغة والعودة إليها لاحقًا.",
    "fa": "با کلمات خودتان و به زبانی که ترجیح می‌دهید پاسخ دهید. می‌توانید سؤال‌ها را خالی بگذارید و بعداً برگردید.",
    "ru": "Отвечайте своими словами, на удобном вам языке. Можно оставить вопросы пустыми и вернуться к ним позже.",
    "uk": "Відповідайте своїми словами, зручною для вас мовою. Можна залишити запитання порожніми й повернутися "
    "до них пізніше.",
    "so": "Ku jawaab erayadaada, luqadda aad doorbidayso. Su'aalaha waad ka tagi kartaa oo mar dambe ku soo "
    "noqon kartaa.",
    "ti": "ብናይ ገዛእ ርእስኻ ቃላት፣ ብእትመርጾ ቋንቋ መልሲ ሃብ። ሕቶታት ባዶ ገዲፍካ ደሓር ክትምለስ ትኽእል ኢኻ።",
}

PARTS: tuple[Part, ...] = (
    Part(
        "background",
        {
            "en": "Personal background",
            "fi": "Tausta",
            "sv": "Bakgrund",
            "ar": "الخلفية الشخصية",
            "fa": "پیشینه شخصی",
            "ru": "Личные сведения",
            "uk": "Особисті відомості",
            "so": "Taariikhda shakhsiga ah",
            "ti": "ውልቃዊ ድሕረ ባይታ",
        },
        (
            Question(
                "background_countries",
                {
                    "en": "In which countries have you lived, and for how long?",
                    "fi": "Missä maissa olet asunut ja kuinka kauan?",
                    "sv": "I vilka länder har du bott, och hur länge?",
                    "ar": "في أي بلدان عشت، وكم من الوقت؟",
                    "fa": "در کدام کشورها زندگی کرده‌اید و چه مدت؟",
                    "ru": "В каких странах вы жили и как долго?",
                    "uk": "У яких країнах ви жили і як довго?",
                    "so": "Waddamadee ayaad ku noolaan jirtay, mudo intee le'eg?",
                    "ti": "ኣብ ኣየኖት ሃገራት ተቐሚጥካ፧ ንኽንደይ እዋን፧",
                },
            ),
            Question(
                "background_home_languages",
                {
                    "en": "Which languages do you speak at home?",
                    "fi": "Mitä kieliä puhut kotona?",
                    "sv": "Vilka språk talar du hemma?",
                    "ar": "ما اللغات التي تتحدثها في البيت؟",
                    "fa": "در خانه به چه زبان‌هایی صحبت می‌کنید؟",
                    "ru": "На каких языках вы говорите дома?",
                    "uk": "Якими мовами ви розмовляєте вдома?",
                    "so": "Luqadahee ayaad guriga ku hadashaa?",
                    "ti": "ኣብ ገዛ ብኣየኖት ቋንቋታት ትዛረብ፧",
                },
            ),
            Question(
                "background_schooling",
                {
                    "en": "How many years did you go to school, and where?",
                    "fi": "Kuinka monta vuotta kävit koulua ja missä?",
                    "sv": "Hur många år gick du i skola, och var?",
                    "ar": "كم سنة ذهبت إلى المدرسة، وأين؟",
                    "fa": "چند سال به مدرسه رفته‌اید و کجا؟",
                    "ru": "Сколько лет вы учились в школе и где?",
                    "uk": "Скільки років ви навчалися в школі і де?",
                    "so": "Immisa sano ayaad dugsi aadday, xaggeese?",
                    "ti": "ንኽንደይ ዓመታት ቤት ትምህርቲ ከይድካ፧ ኣበይ፧",
                },
            ),
            Question(
                "background_weekday",
                {
                    "en": "What do you do on a usual weekday now?",
                    "fi": "Mitä teet nyt tavallisena arkipäivänä?",
                    "sv": "Vad gör du en vanlig vardag nu?",
                    "ar": "ماذا تفعل في يوم عادي الآن؟",
                    "fa": "اکنون در یک روز عادی چه کار می‌کنید؟",
                    "ru": "Чем вы сейчас занимаетесь в обычный будний день?",
                    "uk": "Чим ви зараз займаєтеся у звичайний будній день?",
                    "so": "Maxaad hadda samaysaa maalin caadi ah?",
                    "ti": "ሕጂ ኣብ ንቡር መዓልቲ እንታይ ትገብር፧",
                },
            ),
        ),
    ),
    Part(
        "expectations",
        {
            "en": "Expectations",
            "fi": "Toiveet ja odotukset",
            "sv": "Förväntningar",
            "ar": "التوقعات",
            "fa": "انتظارات",
            "ru": "Ожидания",
            "uk": "Очікування",
            "so": "Filashooyinka",
            "ti": "ትጽቢታት",
        },
        (
            Question(
                "expectations_work",
                {
                    "en": "What work would you like to do?",
                    "fi": "Millaista työtä haluaisit tehdä?",
                    "sv": "Vilket arbete skulle du vilja göra?",
                    "ar": "ما العمل الذي تود القيام به؟",
                    "fa": "دوست دارید چه کاری انجام دهید؟",
                    "ru": "Какой работой вы хотели бы заниматься?",
                    "uk": "Якою роботою ви хотіли б займатися?",
                    "so": "Shaqo noocee ah ayaad jeclaan lahayd inaad qabato?",
                    "ti": "እንታይ ዓይነት ስራሕ ክትሰርሕ ትደሊ፧",
                },
                Section.GOALS,
                "work",
            ),
            Question(
                "expectations_study",
                {
                    "en": "What would you like to study?",
                    "fi": "Mitä haluaisit opiskella?",
                    "sv": "Vad skulle du vilja studera?",
                    "ar": "ماذا تود أن تدرس؟",
                    "fa": "دوست دارید چه رشته‌ای بخوانید؟",
                    "ru": "Что вы хотели бы изучать?",
                    "uk": "Що ви хотіли б вивчати?",
                    "so": "Maxaad jeclaan lahayd inaad barato?",
                    "ti": "እንታይ ክትመሃር ትደሊ፧",
                },
                Section.GOALS,
                "study",
            ),
            Question(
                "expectations_language",
                {
                    "en": "What are your goals in learning Finnish or Swedish?",
                    "fi": "Mitkä ovat tavoitteesi suomen tai ruotsin kielen oppimisessa?",
                    "sv": "Vilka är dina mål med att lära dig finska eller svenska?",
                    "ar": "ما أهدافك في تعلم اللغة الفنلندية أو السويدية؟",
                    "fa": "هدف‌های شما در یادگیری زبان فنلاندی یا سوئدی چیست؟",
                    "ru": "Каковы ваши цели в изучении финского или шведского языка?",
                    "uk": "Які ваші цілі у вивченні фінської або шведської мови?",
                    "so": "Waa maxay hadafyadaadu barashada luqadda Finnishka ama Iswiidhishka?",
                    "ti": "ፊንላንድኛ ወይ ሽወደንኛ ቋንቋ ኣብ ምምሃር ዘለዉኻ ዕላማታት እንታይ እዮም፧",
                },
                Section.GOALS,
                "language",
            ),
            Question(
                "expectations_business",
                {
                    "en": "Would you like to start your own business? What kind?",
                    "fi": "Haluaisitko perustaa oman yrityksen? Millaisen?",
                    "sv": "Skulle du vilja starta ett eget företag? Vilket slags?",
                    "ar": "هل تود أن تبدأ مشروعك الخاص؟ ما نوعه؟",
                    "fa": "آیا دوست دارید کسب‌وکار خودتان را راه بیندازید؟ چه نوع کسب‌وکاری؟",
                    "ru": "Хотели бы вы открыть своё дело? Какое?",
                    "uk": "Чи хотіли б ви відкрити власну справу? Яку?",
                    "so": "Ma jeclaan lahayd inaad bilowdo ganacsi adiga kuu gaar ah? Nooce ah?",
                    "ti": "ናይ ገዛእ ርእስኻ ንግዲ ክትጅምር ትደሊዶ፧ እንታይ ዓይነት፧",
                },
                Section.GOALS,
                "business",
            ),
        ),
    ),
    Part(
        "skills",
        {
            "en": "Skills",
            "fi": "Osaaminen",
            "sv": "Kunnande",
            "ar": "المهارات",
            "fa": "مهارت‌ها",
            "ru": "Навыки",
            "uk": "Навички",
            "so": "Xirfadaha",
            "ti": "ክእለታት",
        },
        (
            Question(
                "skills_professional",
                {
                    "en": "What work tasks can you do well?",
                    "fi": "Mitä työtehtäviä osaat tehdä hyvin?",
                    "sv": "Vilka arbetsuppgifter kan du göra bra?",
                    "ar": "ما مهام العمل التي تجيدها؟",
                    "fa": "چه کارهایی را خوب بلد هستید؟",
                    "ru": "Какие рабочие задачи вы умеете хорошо выполнять?",
                    "uk": "Які робочі завдання ви вмієте добре виконувати?",
                    "so": "Hawlaha shaqo ee aad si fiican u qaban karto waa maxay?",
                    "ti": "ኣየኖት ናይ ስራሕ ዕማማት ብጽቡቕ ክትሰርሖም ትኽእል፧",
                },
                Section.OTHER_SKILLS,
                "professional",
            ),
            Question(
                "skills_languages",
                {
                    "en": "Which languages do you know, and how well?",
                    "fi": "Mitä kieliä osaat ja kuinka hyvin?",
                    "sv": "Vilka språk kan du, och hur bra?",
                    "ar": "ما اللغات التي تعرفها، وما مستواك فيها؟",
                    "fa": "چه زبان‌هایی بلد هستید و در چه سطحی؟",
                    "ru": "Какие языки вы знаете и насколько хорошо?",
                    "uk": "Які мови ви знаєте і наскільки добре?",
                    "so": "Luqadahee ayaad taqaannaa, heerkee ayaadse ku taqaannaa?",
                    "ti": "ኣየኖት ቋንቋታት ትፈልጥ፧ ክሳብ ክንደይከ፧",
                },
                Section.LANGUAGES,
            ),
            Question(
                "skills_digital",
                {
                    "en": "What do you do with a computer or a phone?",
                    "fi": "Mitä teet tietokoneella tai puhelimella?",
                    "sv": "Vad gör du med en dator eller en telefon?",
                    "ar": "ماذا تفعل بالحاسوب أو الهاتف؟",
                    "fa": "با کامپیوتر یا تلفن همراه چه کارهایی انجام می‌دهید؟",
                    "ru": "Что вы делаете на компьютере или телефоне?",
                    "uk": "Що ви робите на комп'ютері або телефоні?",
                    "so": "Maxaad ku samaysaa kombiyuutar ama taleefan?",
                    "ti": "ብኮምፒተር ወይ ብተሌፎን እንታይ ትገብር፧",
                },
                Section.OTHER_SKILLS,
                "digital",
            ),
            Question(
                "skills_social",
                {
                    "en": "Where have you worked with other people, cared for others or helped in your community?",
                    "fi": "Missä olet toiminut muiden ihmisten kanssa, hoitanut muita tai auttanut yhteisössäsi?",
                    "sv": "Var har du arbetat med andra människor, tagit hand om andra eller hjälpt till i ditt samhälle?",  # noqa: E501
                    "ar": "أين عملت مع الآخرين، أو اعتنيت بغيرك، أو ساعدت في مجتمعك؟",
                    "fa": "کجا با دیگران کار کرده‌اید، از دیگران مراقبت کرده‌اید یا در جامعه خود کمک کرده‌اید؟",
                    "ru": "Где вы работали с людьми, заботились о других или помогали своему сообществу?",
                    "uk": "Де ви працювали з людьми, піклувалися про інших або допомагали своїй громаді?",
                    "so": "Xaggee ayaad kula shaqaysay dad kale, daryeeshay dad kale, ama ka caawisay bulshadaada?",
                    "ti": "ኣበይ ምስ ካልኦት ሰባት ሰሪሕካ፣ ንኻልኦት ተኸናኺንካ ወይ ንሕብረተሰብካ ሓጊዝካ፧",
                },
                Section.OTHER_SKILLS,
                "social",
            ),
        ),
    ),
    Part(
        "appraisal",
        {
            "en": "Counsellor's appraisal",
            "fi": "Ohjaajan arvio",
            "sv": "Handledarens bedömning",
            "ar": "تقييم المرشد",
            "fa": "ارزیابی مشاور",
            "ru": "Оценка консультанта",
            "uk": "Оцінка консультанта",
            "so": "Qiimaynta lataliyaha",
            "ti": "ግምገማ ኣማኻሪ",
        },
        (
            Question(
                "appraisal_summary",
                {
                    "en": "The counsellor's appraisal of the client's skills and situation",
                    "fi": "Ohjaajan arvio asiakkaan osaamisesta ja tilanteesta",
                    "sv": "Handledarens bedömning av klientens kunnande och situation",
                    "ar": "تقييم المرشد لمهارات العميل ووضعه",
                    "fa": "ارزیابی مشاور از مهارت‌ها و وضعیت مراجع",
                    "ru": "Оценка консультантом навыков и ситуации клиента",
                    "uk": "Оцінка консультантом навичок і ситуації клієнта",
                    "so": "Qiimaynta lataliyaha ee xirfadaha iyo xaaladda macmiilka",
                    "ti": "ግምገማ ኣማኻሪ ብዛዕባ ክእለታትን ኩነታትን ዓሚል",
                },
                staff_only=True,
            ),
            Question(
                "appraisal_next_steps",
                {
                    "en": "Recommended next steps",
                    "fi": "Suositellut seuraavat askeleet",
                    "sv": "Rekommenderade nästa steg",
                    "ar": "الخطوات التالية الموصى بها",
                    "fa": "گام‌های بعدی پیشنهادی",
                    "ru": "Рекомендуемые дальнейшие шаги",
                    "uk": "Рекомендовані наступні кроки",
                    "so": "Tallaabooyinka xiga ee lagu talinayo",
                    "ti": "ዝምከሩ ዝቕጽሉ ስጉምትታት",
                },
                staff_only=True,
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {question.key: question for part in PARTS for question in part.questions}
