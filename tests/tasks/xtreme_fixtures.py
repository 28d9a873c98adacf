"""Writes the XTREME target-task fixtures of the languages added so that every task covers its
whole official language list (PROTOCOL.md), in each data set's raw format (no network).

  python tests/tasks/xtreme_fixtures.py [ROOT]   (default: xstilts_jax/tasks/fixtures)

XTREME-R's added languages (UD v2.7 lt pl uk wo ro, PAN-X qu pl uk az lt pa gu ro, XQuAD ro,
Tatoeba az lt pl uk ro) are written here too. The first fixtures (en de ru ar hi th zh el ja
ko, ...) were written by hand and are left as
they are; this script only adds the other languages, with the same sentences translated so
that labels agree across languages: the six Tatoeba sentences (also XNLI's premises and the
QA contexts), XNLI's six hypotheses, five QA questions, five short UD sentences, five NER
sentences. XNLI rows of the added languages are (re)written into the shared tsv files; every
other file written belongs to one added language only. Running it twice changes nothing.
"""

import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intermediate_fixtures import _write  # noqa: E402  (one file writer for both)
from xstilts_jax.tasks.languages import TATOEBA_ISO3, TYDIQA_NAMES  # noqa: E402

DEFAULT_ROOT = os.path.join(os.path.dirname(__file__), '..', '..', 'xstilts_jax', 'tasks',
                            'fixtures')

# ---------------------------------------------------------------- sentences
# The six Tatoeba sentences (English side as in the shipped files):
#   0 The man is playing a guitar on the street.   1 Two children are reading books in the
#   library.   2 The train to Berlin leaves at eight o'clock.   3 My sister lives in a small
#   village near the sea.   4 We drank tea and talked until midnight.   5 The museum is closed
#   on Mondays.
ENGLISH = (
    'The man is playing a guitar on the street.',
    'Two children are reading books in the library.',
    "The train to Berlin leaves at eight o'clock.",
    'My sister lives in a small village near the sea.',
    'We drank tea and talked until midnight.',
    'The museum is closed on Mondays.',
)

SENTENCES = {
    'af': ('Die man speel kitaar op die straat.',
           'Twee kinders lees boeke in die biblioteek.',
           'Die trein na Berlyn vertrek om agtuur.',
           "My suster woon in 'n klein dorpie naby die see.",
           'Ons het tee gedrink en tot middernag gesels.',
           'Die museum is Maandae gesluit.'),
    'bg': ('Мъжът свири на китара на улицата.',
           'Две деца четат книги в библиотеката.',
           'Влакът за Берлин тръгва в осем часа.',
           'Сестра ми живее в малко село край морето.',
           'Пихме чай и говорихме до полунощ.',
           'Музеят е затворен в понеделник.'),
    'bn': ('লোকটি রাস্তায় গিটার বাজাচ্ছে।',
           'দুটি শিশু লাইব্রেরিতে বই পড়ছে।',
           'বার্লিনের ট্রেন আটটায় ছাড়ে।',
           'আমার বোন সমুদ্রের কাছে একটি ছোট গ্রামে থাকে।',
           'আমরা চা খেলাম এবং মাঝরাত পর্যন্ত কথা বললাম।',
           'জাদুঘরটি সোমবার বন্ধ থাকে।'),
    'es': ('El hombre está tocando la guitarra en la calle.',
           'Dos niños están leyendo libros en la biblioteca.',
           'El tren a Berlín sale a las ocho.',
           'Mi hermana vive en un pequeño pueblo cerca del mar.',
           'Tomamos té y hablamos hasta la medianoche.',
           'El museo cierra los lunes.'),
    'et': ('Mees mängib tänaval kitarri.',
           'Kaks last loevad raamatukogus raamatuid.',
           'Rong Berliini väljub kell kaheksa.',
           'Mu õde elab väikeses külas mere ääres.',
           'Me jõime teed ja rääkisime keskööni.',
           'Muuseum on esmaspäeviti suletud.'),
    'eu': ('Gizona kalean gitarra jotzen ari da.',
           'Bi haur liburuak irakurtzen ari dira liburutegian.',
           'Berlinerako trena zortzietan ateratzen da.',
           'Nire ahizpa itsasotik gertu dagoen herri txiki batean bizi da.',
           'Tea edan genuen eta gauerdira arte hitz egin genuen.',
           'Museoa astelehenetan itxita dago.'),
    'fa': ('مرد در خیابان گیتار می\u200cزند.',
           'دو کودک در کتابخانه کتاب می\u200cخوانند.',
           'قطار برلین ساعت هشت حرکت می\u200cکند.',
           'خواهرم در روستای کوچکی نزدیک دریا زندگی می\u200cکند.',
           'چای نوشیدیم و تا نیمه\u200cشب صحبت کردیم.',
           'موزه دوشنبه\u200cها تعطیل است.'),
    'fi': ('Mies soittaa kitaraa kadulla.',
           'Kaksi lasta lukee kirjoja kirjastossa.',
           'Juna Berliiniin lähtee kello kahdeksan.',
           'Siskoni asuu pienessä kylässä meren lähellä.',
           'Joimme teetä ja juttelimme keskiyöhön asti.',
           'Museo on suljettu maanantaisin.'),
    'fr': ("L'homme joue de la guitare dans la rue.",
           'Deux enfants lisent des livres à la bibliothèque.',
           'Le train pour Berlin part à huit heures.',
           'Ma sœur habite dans un petit village près de la mer.',
           "Nous avons bu du thé et parlé jusqu'à minuit.",
           'Le musée est fermé le lundi.'),
    'he': ('האיש מנגן בגיטרה ברחוב.',
           'שני ילדים קוראים ספרים בספרייה.',
           'הרכבת לברלין יוצאת בשעה שמונה.',
           'אחותי גרה בכפר קטן ליד הים.',
           'שתינו תה ודיברנו עד חצות.',
           'המוזיאון סגור בימי שני.'),
    'hu': ('A férfi gitározik az utcán.',
           'Két gyerek könyveket olvas a könyvtárban.',
           'A berlini vonat nyolc órakor indul.',
           'A húgom egy kis faluban lakik a tenger közelében.',
           'Teát ittunk és éjfélig beszélgettünk.',
           'A múzeum hétfőnként zárva van.'),
    'id': ('Pria itu bermain gitar di jalan.',
           'Dua anak sedang membaca buku di perpustakaan.',
           'Kereta ke Berlin berangkat pukul delapan.',
           'Adik perempuan saya tinggal di sebuah desa kecil dekat laut.',
           'Kami minum teh dan mengobrol sampai tengah malam.',
           'Museum tutup setiap hari Senin.'),
    'it': ("L'uomo suona la chitarra per strada.",
           'Due bambini leggono libri in biblioteca.',
           'Il treno per Berlino parte alle otto.',
           'Mia sorella vive in un piccolo paese vicino al mare.',
           'Abbiamo bevuto tè e parlato fino a mezzanotte.',
           'Il museo è chiuso il lunedì.'),
    'jv': ('Wong lanang kuwi main gitar ing dalan.',
           'Bocah loro maca buku ing perpustakaan.',
           'Sepur menyang Berlin mangkat jam wolu.',
           'Adhiku wadon manggon ing desa cilik cedhak segara.',
           'Awake dhewe ngombe teh lan ngobrol nganti tengah wengi.',
           'Museum tutup saben dina Senin.'),
    'ka': ('კაცი ქუჩაში გიტარაზე უკრავს.',
           'ორი ბავშვი ბიბლიოთეკაში წიგნებს კითხულობს.',
           'მატარებელი ბერლინისკენ რვა საათზე გადის.',
           'ჩემი და ზღვასთან ახლოს პატარა სოფელში ცხოვრობს.',
           'ჩაი დავლიეთ და შუაღამემდე ვისაუბრეთ.',
           'მუზეუმი ორშაბათობით დაკეტილია.'),
    'kk': ('Ер адам көшеде гитара ойнап тұр.',
           'Екі бала кітапханада кітап оқып отыр.',
           'Берлинге баратын пойыз сағат сегізде жүреді.',
           'Менің әпкем теңіз жағасындағы шағын ауылда тұрады.',
           'Біз шай ішіп, түн ортасына дейін әңгімелестік.',
           'Мұражай дүйсенбі күндері жабық.'),
    'ml': ('ആ മനുഷ്യൻ തെരുവിൽ ഗിറ്റാർ വായിക്കുന്നു.',
           'രണ്ട് കുട്ടികൾ ലൈബ്രറിയിൽ പുസ്തകങ്ങൾ വായിക്കുന്നു.',
           'ബെർലിനിലേക്കുള്ള ട്രെയിൻ എട്ട് മണിക്ക് പുറപ്പെടും.',
           'എന്റെ സഹോദരി കടലിനടുത്തുള്ള ഒരു ചെറിയ ഗ്രാമത്തിൽ താമസിക്കുന്നു.',
           'ഞങ്ങൾ ചായ കുടിച്ച് അർദ്ധരാത്രി വരെ സംസാരിച്ചു.',
           'മ്യൂസിയം തിങ്കളാഴ്ചകളിൽ അടച്ചിരിക്കും.'),
    'mr': ('तो माणूस रस्त्यावर गिटार वाजवत आहे.',
           'दोन मुले ग्रंथालयात पुस्तके वाचत आहेत.',
           'बर्लिनला जाणारी ट्रेन आठ वाजता सुटते.',
           'माझी बहीण समुद्राजवळच्या एका छोट्या गावात राहते.',
           'आम्ही चहा प्यायलो आणि मध्यरात्रीपर्यंत गप्पा मारल्या.',
           'संग्रहालय सोमवारी बंद असते.'),
    'nl': ('De man speelt gitaar op straat.',
           'Twee kinderen lezen boeken in de bibliotheek.',
           'De trein naar Berlijn vertrekt om acht uur.',
           'Mijn zus woont in een klein dorp bij de zee.',
           'We dronken thee en praatten tot middernacht.',
           'Het museum is op maandag gesloten.'),
    'pt': ('O homem está tocando violão na rua.',
           'Duas crianças estão lendo livros na biblioteca.',
           'O trem para Berlim parte às oito horas.',
           'Minha irmã mora numa pequena aldeia perto do mar.',
           'Bebemos chá e conversamos até a meia-noite.',
           'O museu fecha às segundas-feiras.'),
    'sw': ('Mwanamume anapiga gitaa barabarani.',
           'Watoto wawili wanasoma vitabu maktabani.',
           'Treni ya kwenda Berlin inaondoka saa mbili.',
           'Dada yangu anaishi katika kijiji kidogo karibu na bahari.',
           'Tulikunywa chai na kuzungumza hadi usiku wa manane.',
           'Makumbusho hufungwa siku za Jumatatu.'),
    'ta': ('அந்த மனிதர் தெருவில் கிட்டார் வாசிக்கிறார்.',
           'இரண்டு குழந்தைகள் நூலகத்தில் புத்தகங்களைப் படிக்கிறார்கள்.',
           'பெர்லினுக்குச் செல்லும் ரயில் எட்டு மணிக்குப் புறப்படுகிறது.',
           'என் சகோதரி கடலுக்கு அருகில் உள்ள ஒரு சிறிய கிராமத்தில் வசிக்கிறாள்.',
           'நாங்கள் தேநீர் குடித்து நள்ளிரவு வரை பேசினோம்.',
           'அருங்காட்சியகம் திங்கட்கிழமைகளில் மூடப்பட்டிருக்கும்.'),
    'te': ('ఆ వ్యక్తి వీధిలో గిటార్ వాయిస్తున్నాడు.',
           'ఇద్దరు పిల్లలు గ్రంథాలయంలో పుస్తకాలు చదువుతున్నారు.',
           'బెర్లిన్ వెళ్ళే రైలు ఎనిమిది గంటలకు బయలుదేరుతుంది.',
           'నా సోదరి సముద్రం దగ్గర ఒక చిన్న గ్రామంలో నివసిస్తుంది.',
           'మేము టీ తాగి అర్ధరాత్రి వరకు మాట్లాడుకున్నాము.',
           'మ్యూజియం సోమవారాలు మూసి ఉంటుంది.'),
    'tl': ('Tumutugtog ng gitara ang lalaki sa kalye.',
           'Dalawang bata ang nagbabasa ng mga libro sa aklatan.',
           'Umaalis ang tren papuntang Berlin nang alas-otso.',
           'Nakatira ang kapatid kong babae sa isang maliit na nayon malapit sa dagat.',
           'Uminom kami ng tsaa at nag-usap hanggang hatinggabi.',
           'Sarado ang museo tuwing Lunes.'),
    'tr': ('Adam sokakta gitar çalıyor.',
           'İki çocuk kütüphanede kitap okuyor.',
           'Berlin treni saat sekizde kalkıyor.',
           'Kız kardeşim denize yakın küçük bir köyde yaşıyor.',
           'Çay içtik ve gece yarısına kadar konuştuk.',
           'Müze pazartesi günleri kapalıdır.'),
    'ur': ('آدمی سڑک پر گٹار بجا رہا ہے۔',
           'دو بچے لائبریری میں کتابیں پڑھ رہے ہیں۔',
           'برلن جانے والی ٹرین آٹھ بجے روانہ ہوتی ہے۔',
           'میری بہن سمندر کے قریب ایک چھوٹے سے گاؤں میں رہتی ہے۔',
           'ہم نے چائے پی اور آدھی رات تک باتیں کیں۔',
           'عجائب گھر پیر کو بند رہتا ہے۔'),
    'vi': ('Người đàn ông đang chơi đàn ghi-ta trên phố.',
           'Hai đứa trẻ đang đọc sách trong thư viện.',
           'Tàu đi Berlin khởi hành lúc tám giờ.',
           'Em gái tôi sống ở một ngôi làng nhỏ gần biển.',
           'Chúng tôi uống trà và trò chuyện đến nửa đêm.',
           'Bảo tàng đóng cửa vào các ngày thứ Hai.'),
}

# XTREME-R's added languages (Tatoeba az lt pl uk ro, XQuAD ro).
SENTENCES.update({
    'az': ('Kişi küçədə gitara çalır.',
           'İki uşaq kitabxanada kitab oxuyur.',
           'Berlinə gedən qatar saat səkkizdə yola düşür.',
           'Bacım dəniz kənarındakı kiçik bir kənddə yaşayır.',
           'Biz çay içdik və gecə yarısına qədər söhbət etdik.',
           'Muzey bazar ertəsi günləri bağlıdır.'),
    'lt': ('Vyras gatvėje groja gitara.',
           'Du vaikai bibliotekoje skaito knygas.',
           'Traukinys į Berlyną išvyksta aštuntą valandą.',
           'Mano sesuo gyvena mažame kaime prie jūros.',
           'Gėrėme arbatą ir kalbėjomės iki vidurnakčio.',
           'Muziejus pirmadieniais uždarytas.'),
    'pl': ('Mężczyzna gra na gitarze na ulicy.',
           'Dwoje dzieci czyta książki w bibliotece.',
           'Pociąg do Berlina odjeżdża o ósmej.',
           'Moja siostra mieszka w małej wsi nad morzem.',
           'Piliśmy herbatę i rozmawialiśmy do północy.',
           'Muzeum jest zamknięte w poniedziałki.'),
    'uk': ('Чоловік грає на гітарі на вулиці.',
           'Двоє дітей читають книжки в бібліотеці.',
           'Потяг до Берліна відправляється о восьмій.',
           'Моя сестра живе в маленькому селі біля моря.',
           'Ми пили чай і розмовляли до півночі.',
           'Музей зачинений по понеділках.'),
    'ro': ('Bărbatul cântă la chitară pe stradă.',
           'Doi copii citesc cărți în bibliotecă.',
           'Trenul spre Berlin pleacă la ora opt.',
           'Sora mea locuiește într-un sat mic lângă mare.',
           'Am băut ceai și am vorbit până la miezul nopții.',
           'Muzeul este închis lunea.'),
})

# ---------------------------------------------------------------- XNLI
# Hypotheses, in the shipped files' order: premise 1 (children) neutral, contradiction,
# entailment; premise 0 (man) neutral, contradiction, entailment.
XNLI_HYPOTHESES = {
    'bg': ('Децата се подготвят за изпит.', 'Децата плуват в морето.', 'Децата четат.',
           'Мъжът свири за пари.', 'Мъжът спи вкъщи.', 'Един мъж прави музика.'),
    'es': ('Los niños se preparan para un examen.', 'Los niños están nadando en el mar.',
           'Los niños están leyendo.', 'El hombre toca por dinero.',
           'El hombre está durmiendo en casa.', 'Un hombre está haciendo música.'),
    'fr': ('Les enfants préparent un examen.', 'Les enfants nagent dans la mer.',
           'Des enfants lisent.', "L'homme joue pour de l'argent.", "L'homme dort à la maison.",
           'Un homme fait de la musique.'),
    'sw': ('Watoto wanajiandaa kwa mtihani.', 'Watoto wanaogelea baharini.', 'Watoto wanasoma.',
           'Mwanamume anapiga gitaa ili apate pesa.', 'Mwanamume amelala nyumbani.',
           'Mwanamume anapiga muziki.'),
    'tr': ('Çocuklar bir sınava hazırlanıyor.', 'Çocuklar denizde yüzüyor.', 'Çocuklar okuyor.',
           'Adam para için çalıyor.', 'Adam evde uyuyor.', 'Bir adam müzik yapıyor.'),
    'ur': ('بچے امتحان کی تیاری کر رہے ہیں۔', 'بچے سمندر میں تیر رہے ہیں۔', 'بچے پڑھ رہے ہیں۔',
           'آدمی پیسوں کے لیے بجا رہا ہے۔', 'آدمی گھر پر سو رہا ہے۔',
           'ایک آدمی موسیقی بنا رہا ہے۔'),
    'vi': ('Những đứa trẻ đang ôn thi.', 'Những đứa trẻ đang bơi ở biển.',
           'Trẻ em đang đọc sách.', 'Người đàn ông chơi đàn để kiếm tiền.',
           'Người đàn ông đang ngủ ở nhà.', 'Một người đàn ông đang chơi nhạc.'),
}
XNLI_LABELS = ('neutral', 'contradiction', 'entailment') * 2

# ---------------------------------------------------------------- QA
# Context = sentences 2, 3, 5, 1; questions: when does the train leave, where does my sister
# live, when is the museum closed, how many children are reading, where are they reading.
# Answers: (sentence of the context, text); offsets are computed, never written by hand.
QA_SENTENCES = (2, 3, 5, 1)
QA = {
    'es': (('¿Cuándo sale el tren a Berlín?', 0, 'a las ocho'),
           ('¿Dónde vive mi hermana?', 1, 'en un pequeño pueblo cerca del mar'),
           ('¿Cuándo cierra el museo?', 2, 'los lunes'),
           ('¿Cuántos niños están leyendo?', 3, 'Dos'),
           ('¿Dónde están leyendo los niños?', 3, 'en la biblioteca')),
    'tr': (('Berlin treni saat kaçta kalkıyor?', 0, 'saat sekizde'),
           ('Kız kardeşim nerede yaşıyor?', 1, 'denize yakın küçük bir köyde'),
           ('Müze ne zaman kapalıdır?', 2, 'pazartesi günleri'),
           ('Kaç çocuk kitap okuyor?', 3, 'İki'),
           ('Çocuklar nerede kitap okuyor?', 3, 'kütüphanede')),
    'vi': (('Tàu đi Berlin khởi hành lúc mấy giờ?', 0, 'tám giờ'),
           ('Em gái tôi sống ở đâu?', 1, 'một ngôi làng nhỏ gần biển'),
           ('Bảo tàng đóng cửa khi nào?', 2, 'các ngày thứ Hai'),
           ('Có bao nhiêu đứa trẻ đang đọc sách?', 3, 'Hai'),
           ('Những đứa trẻ đọc sách ở đâu?', 3, 'trong thư viện')),
    'bn': (('বার্লিনের ট্রেন কখন ছাড়ে?', 0, 'আটটায়'),
           ('আমার বোন কোথায় থাকে?', 1, 'সমুদ্রের কাছে একটি ছোট গ্রামে'),
           ('জাদুঘরটি কবে বন্ধ থাকে?', 2, 'সোমবার'),
           ('কয়টি শিশু বই পড়ছে?', 3, 'দুটি'),
           ('শিশুরা কোথায় বই পড়ছে?', 3, 'লাইব্রেরিতে')),
    'id': (('Kapan kereta ke Berlin berangkat?', 0, 'pukul delapan'),
           ('Di mana adik perempuan saya tinggal?', 1, 'di sebuah desa kecil dekat laut'),
           ('Kapan museum tutup?', 2, 'setiap hari Senin'),
           ('Berapa anak yang sedang membaca buku?', 3, 'Dua'),
           ('Di mana anak-anak membaca buku?', 3, 'di perpustakaan')),
    'sw': (('Treni ya kwenda Berlin inaondoka saa ngapi?', 0, 'saa mbili'),
           ('Dada yangu anaishi wapi?', 1, 'katika kijiji kidogo karibu na bahari'),
           ('Makumbusho hufungwa lini?', 2, 'siku za Jumatatu'),
           ('Watoto wangapi wanasoma vitabu?', 3, 'wawili'),
           ('Watoto wanasoma vitabu wapi?', 3, 'maktabani')),
    'te': (('బెర్లిన్ వెళ్ళే రైలు ఎప్పుడు బయలుదేరుతుంది?', 0, 'ఎనిమిది గంటలకు'),
           ('నా సోదరి ఎక్కడ నివసిస్తుంది?', 1, 'సముద్రం దగ్గర ఒక చిన్న గ్రామంలో'),
           ('మ్యూజియం ఎప్పుడు మూసి ఉంటుంది?', 2, 'సోమవారాలు'),
           ('ఎంత మంది పిల్లలు పుస్తకాలు చదువుతున్నారు?', 3, 'ఇద్దరు'),
           ('పిల్లలు ఎక్కడ పుస్తకాలు చదువుతున్నారు?', 3, 'గ్రంథాలయంలో')),
    'ro': (('Când pleacă trenul spre Berlin?', 0, 'la ora opt'),
           ('Unde locuiește sora mea?', 1, 'într-un sat mic lângă mare'),
           ('Când este închis muzeul?', 2, 'lunea'),
           ('Câți copii citesc cărți?', 3, 'Doi'),
           ('Unde citesc copiii cărți?', 3, 'în bibliotecă')),
}
XQUAD_NEW = ('es', 'tr', 'vi', 'ro')
TYDIQA_NEW = ('bn', 'id', 'sw', 'te')
# XQuAD ids are shared by the translations of one question (as in the shipped files).
XQUAD_IDS = ('e1d4aecd12de33dd3b23d92f', 'dca1486f8ddc7e61d673fa52', 'b4d5e168904539a3beac47ed',
             '31b853043407bf9e6c9db88c', '963c587f62095b6ccf7867df')

# ---------------------------------------------------------------- Tatoeba
TATOEBA_NEW = tuple(('af bg bn es et eu fa fi fr he hu id it jv ka kk ml mr nl pt sw ta te tl '
                     'tr ur vi az lt pl uk ro').split())

# ---------------------------------------------------------------- UD-POS
# (treebank folder, file prefix, has a dev file in UD v2.5); sentences as word/UPOS, '_'
# inside a word is a space (Vietnamese words), FUSED=sub/UPOS+sub/UPOS a multi-word token.
UD = {
    'af': ('UD_Afrikaans-AfriBooms', 'af_afribooms', True, (
        'Die/DET man/NOUN speel/VERB kitaar/NOUN ./PUNCT',
        'Kinders/NOUN lees/VERB boeke/NOUN ./PUNCT',
        'Die/DET trein/NOUN vertrek/VERB om/ADP agtuur/NOUN ./PUNCT',
        'Die/DET museum/NOUN is/AUX gesluit/ADJ ./PUNCT',
        'My/PRON suster/NOUN woon/VERB by/ADP die/DET see/NOUN ./PUNCT')),
    'bg': ('UD_Bulgarian-BTB', 'bg_btb', True, (
        'Мъжът/NOUN свири/VERB на/ADP китара/NOUN ./PUNCT',
        'Децата/NOUN четат/VERB книги/NOUN ./PUNCT',
        'Влакът/NOUN тръгва/VERB в/ADP осем/NUM ./PUNCT',
        'Музеят/NOUN е/AUX затворен/ADJ ./PUNCT',
        'Сестра/NOUN ми/PRON живее/VERB на/ADP морето/NOUN ./PUNCT')),
    'es': ('UD_Spanish-GSD', 'es_gsd', True, (
        'El/DET hombre/NOUN toca/VERB la/DET guitarra/NOUN ./PUNCT',
        'Los/DET niños/NOUN leen/VERB libros/NOUN ./PUNCT',
        'El/DET tren/NOUN sale/VERB a/ADP las/DET ocho/NUM ./PUNCT',
        'El/DET museo/NOUN está/AUX cerrado/ADJ ./PUNCT',
        'Mi/DET hermana/NOUN vive/VERB cerca/ADV del=de/ADP+el/DET mar/NOUN ./PUNCT')),
    'et': ('UD_Estonian-EDT', 'et_edt', True, (
        'Mees/NOUN mängib/VERB kitarri/NOUN ./PUNCT',
        'Lapsed/NOUN loevad/VERB raamatuid/NOUN ./PUNCT',
        'Rong/NOUN väljub/VERB kell/NOUN kaheksa/NUM ./PUNCT',
        'Muuseum/NOUN on/AUX suletud/ADJ ./PUNCT',
        'Mu/PRON õde/NOUN elab/VERB mere/NOUN ääres/ADP ./PUNCT')),
    'eu': ('UD_Basque-BDT', 'eu_bdt', True, (
        'Gizonak/NOUN gitarra/NOUN jotzen/VERB du/AUX ./PUNCT',
        'Haurrek/NOUN liburuak/NOUN irakurtzen/VERB dituzte/AUX ./PUNCT',
        'Trena/NOUN zortzietan/NUM ateratzen/VERB da/AUX ./PUNCT',
        'Museoa/NOUN itxita/ADJ dago/AUX ./PUNCT',
        'Nire/PRON ahizpa/NOUN itsasoaren/NOUN ondoan/ADV bizi/VERB da/AUX ./PUNCT')),
    'fa': ('UD_Persian-Seraji', 'fa_seraji', True, (
        'مرد/NOUN گیتار/NOUN می\u200cزند/VERB ./PUNCT',
        'بچه\u200cها/NOUN کتاب/NOUN می\u200cخوانند/VERB ./PUNCT',
        'قطار/NOUN ساعت/NOUN هشت/NUM حرکت/NOUN می\u200cکند/VERB ./PUNCT',
        'موزه/NOUN بسته/ADJ است/AUX ./PUNCT',
        'خواهرم/NOUN کنار/ADP دریا/NOUN زندگی/NOUN می\u200cکند/VERB ./PUNCT')),
    'fi': ('UD_Finnish-TDT', 'fi_tdt', True, (
        'Mies/NOUN soittaa/VERB kitaraa/NOUN ./PUNCT',
        'Lapset/NOUN lukevat/VERB kirjoja/NOUN ./PUNCT',
        'Juna/NOUN lähtee/VERB kello/NOUN kahdeksan/NUM ./PUNCT',
        'Museo/NOUN on/AUX suljettu/ADJ ./PUNCT',
        'Siskoni/NOUN asuu/VERB meren/NOUN rannalla/NOUN ./PUNCT')),
    'he': ('UD_Hebrew-HTB', 'he_htb', True, (
        'האיש=ה/DET+איש/NOUN מנגן/VERB בגיטרה=ב/ADP+גיטרה/NOUN ./PUNCT',
        'ילדים/NOUN קוראים/VERB ספרים/NOUN ./PUNCT',
        'הרכבת=ה/DET+רכבת/NOUN יוצאת/VERB בשמונה=ב/ADP+שמונה/NUM ./PUNCT',
        'המוזיאון=ה/DET+מוזיאון/NOUN סגור/ADJ ./PUNCT',
        'אחותי/NOUN גרה/VERB ליד/ADP הים=ה/DET+ים/NOUN ./PUNCT')),
    'hu': ('UD_Hungarian-Szeged', 'hu_szeged', True, (
        'A/DET férfi/NOUN gitározik/VERB ./PUNCT',
        'A/DET gyerekek/NOUN könyveket/NOUN olvasnak/VERB ./PUNCT',
        'A/DET vonat/NOUN nyolckor/NUM indul/VERB ./PUNCT',
        'A/DET múzeum/NOUN zárva/ADV van/VERB ./PUNCT',
        'A/DET húgom/NOUN a/DET tengernél/NOUN lakik/VERB ./PUNCT')),
    'id': ('UD_Indonesian-GSD', 'id_gsd', True, (
        'Pria/NOUN itu/DET bermain/VERB gitar/NOUN ./PUNCT',
        'Anak-anak/NOUN membaca/VERB buku/NOUN ./PUNCT',
        'Kereta/NOUN berangkat/VERB pukul/NOUN delapan/NUM ./PUNCT',
        'Museum/NOUN itu/DET tutup/ADJ ./PUNCT',
        'Adik/NOUN saya/PRON tinggal/VERB dekat/ADP laut/NOUN ./PUNCT')),
    'it': ('UD_Italian-ISDT', 'it_isdt', True, (
        'Un/DET uomo/NOUN suona/VERB la/DET chitarra/NOUN ./PUNCT',
        'I/DET bambini/NOUN leggono/VERB libri/NOUN ./PUNCT',
        'Il/DET treno/NOUN parte/VERB alle=a/ADP+le/DET otto/NUM ./PUNCT',
        'Il/DET museo/NOUN è/AUX chiuso/ADJ ./PUNCT',
        'Mia/DET sorella/NOUN vive/VERB vicino/ADV al=a/ADP+il/DET mare/NOUN ./PUNCT')),
    'ja': ('UD_Japanese-GSD', 'ja_gsd', True, (
        '男性/NOUN が/ADP ギター/NOUN を/ADP 弾く/VERB 。/PUNCT',
        '子供/NOUN たち/NOUN が/ADP 本/NOUN を/ADP 読む/VERB 。/PUNCT',
        '電車/NOUN は/ADP 八/NUM 時/NOUN に/ADP 出発/VERB する/AUX 。/PUNCT',
        '博物館/NOUN は/ADP 閉まっ/VERB て/SCONJ いる/AUX 。/PUNCT',
        '姉/NOUN は/ADP 海/NOUN の/ADP 近く/NOUN に/ADP 住ん/VERB で/SCONJ いる/AUX 。/PUNCT')),
    'kk': ('UD_Kazakh-KTB', 'kk_ktb', False, (
        'Ер/NOUN адам/NOUN гитара/NOUN ойнайды/VERB ./PUNCT',
        'Балалар/NOUN кітап/NOUN оқиды/VERB ./PUNCT',
        'Пойыз/NOUN сегізде/NUM жүреді/VERB ./PUNCT',
        'Мұражай/NOUN жабық/ADJ ./PUNCT',
        'Әпкем/NOUN теңіз/NOUN жағасында/NOUN тұрады/VERB ./PUNCT')),
    'ko': ('UD_Korean-GSD', 'ko_gsd', True, (
        '남자가/NOUN 기타를/NOUN 친다/VERB ./PUNCT',
        '아이들이/NOUN 책을/NOUN 읽는다/VERB ./PUNCT',
        '기차는/NOUN 여덟/NUM 시에/NOUN 출발한다/VERB ./PUNCT',
        '박물관은/NOUN 닫혀/VERB 있다/AUX ./PUNCT',
        '언니는/NOUN 바닷가에/NOUN 산다/VERB ./PUNCT')),
    'mr': ('UD_Marathi-UFAL', 'mr_ufal', True, (
        'माणूस/NOUN गिटार/NOUN वाजवतो/VERB ./PUNCT',
        'मुले/NOUN पुस्तके/NOUN वाचतात/VERB ./PUNCT',
        'गाडी/NOUN आठ/NUM वाजता/NOUN सुटते/VERB ./PUNCT',
        'संग्रहालय/NOUN बंद/ADJ आहे/AUX ./PUNCT',
        'माझी/PRON बहीण/NOUN समुद्राजवळ/NOUN राहते/VERB ./PUNCT')),
    'nl': ('UD_Dutch-Alpino', 'nl_alpino', True, (
        'De/DET man/NOUN speelt/VERB gitaar/NOUN ./PUNCT',
        'Kinderen/NOUN lezen/VERB boeken/NOUN ./PUNCT',
        'De/DET trein/NOUN vertrekt/VERB om/ADP acht/NUM uur/NOUN ./PUNCT',
        'Het/DET museum/NOUN is/AUX gesloten/ADJ ./PUNCT',
        'Mijn/PRON zus/NOUN woont/VERB aan/ADP zee/NOUN ./PUNCT')),
    'pt': ('UD_Portuguese-Bosque', 'pt_bosque', True, (
        'O/DET homem/NOUN toca/VERB violão/NOUN ./PUNCT',
        'As/DET crianças/NOUN leem/VERB livros/NOUN ./PUNCT',
        'O/DET trem/NOUN parte/VERB às=a/ADP+as/DET oito/NUM ./PUNCT',
        'O/DET museu/NOUN está/AUX fechado/ADJ ./PUNCT',
        'Minha/DET irmã/NOUN mora/VERB perto/ADV do=de/ADP+o/DET mar/NOUN ./PUNCT')),
    'ta': ('UD_Tamil-TTB', 'ta_ttb', True, (
        'அந்த/DET மனிதர்/NOUN கிட்டார்/NOUN வாசிக்கிறார்/VERB ./PUNCT',
        'குழந்தைகள்/NOUN புத்தகங்களைப்/NOUN படிக்கிறார்கள்/VERB ./PUNCT',
        'ரயில்/NOUN எட்டு/NUM மணிக்குப்/NOUN புறப்படுகிறது/VERB ./PUNCT',
        'அருங்காட்சியகம்/NOUN மூடப்பட்டுள்ளது/VERB ./PUNCT',
        'என்/PRON சகோதரி/NOUN கடலருகே/NOUN வசிக்கிறாள்/VERB ./PUNCT')),
    'te': ('UD_Telugu-MTG', 'te_mtg', True, (
        'అతను/PRON గిటార్/NOUN వాయిస్తాడు/VERB ./PUNCT',
        'పిల్లలు/NOUN పుస్తకాలు/NOUN చదువుతారు/VERB ./PUNCT',
        'రైలు/NOUN ఎనిమిది/NUM గంటలకు/NOUN బయలుదేరుతుంది/VERB ./PUNCT',
        'మ్యూజియం/NOUN మూసి/VERB ఉంది/AUX ./PUNCT',
        'నా/PRON సోదరి/NOUN సముద్రం/NOUN దగ్గర/ADP ఉంటుంది/VERB ./PUNCT')),
    'tl': ('UD_Tagalog-TRG', 'tl_trg', False, (
        'Tumutugtog/VERB ng/ADP gitara/NOUN ang/DET lalaki/NOUN ./PUNCT',
        'Nagbabasa/VERB ng/ADP libro/NOUN ang/DET mga/DET bata/NOUN ./PUNCT',
        'Aalis/VERB ang/DET tren/NOUN nang/ADP alas-otso/NOUN ./PUNCT',
        'Sarado/ADJ ang/DET museo/NOUN ./PUNCT',
        'Nakatira/VERB sa/ADP tabing-dagat/NOUN ang/DET kapatid/NOUN ko/PRON ./PUNCT')),
    'tr': ('UD_Turkish-IMST', 'tr_imst', True, (
        'Adam/NOUN gitar/NOUN çalıyor/VERB ./PUNCT',
        'Çocuklar/NOUN kitap/NOUN okuyor/VERB ./PUNCT',
        'Tren/NOUN sekizde/NUM kalkıyor/VERB ./PUNCT',
        'Müze/NOUN kapalı/ADJ ./PUNCT',
        'Kız/NOUN kardeşim/NOUN deniz/NOUN kenarında/NOUN yaşıyor/VERB ./PUNCT')),
    'ur': ('UD_Urdu-UDTB', 'ur_udtb', True, (
        'آدمی/NOUN گٹار/NOUN بجاتا/VERB ہے/AUX ۔/PUNCT',
        'بچے/NOUN کتابیں/NOUN پڑھتے/VERB ہیں/AUX ۔/PUNCT',
        'ٹرین/NOUN آٹھ/NUM بجے/NOUN چلتی/VERB ہے/AUX ۔/PUNCT',
        'عجائب/NOUN گھر/NOUN بند/ADJ ہے/AUX ۔/PUNCT',
        'میری/PRON بہن/NOUN سمندر/NOUN کے/ADP پاس/ADP رہتی/VERB ہے/AUX ۔/PUNCT')),
    'vi': ('UD_Vietnamese-VTB', 'vi_vtb', True, (
        'Người/NOUN đàn_ông/NOUN chơi/VERB ghi-ta/NOUN ./PUNCT',
        'Trẻ_em/NOUN đọc/VERB sách/NOUN ./PUNCT',
        'Tàu/NOUN chạy/VERB lúc/NOUN tám/NUM giờ/NOUN ./PUNCT',
        'Bảo_tàng/NOUN đóng_cửa/VERB ./PUNCT',
        'Chị/NOUN tôi/PRON sống/VERB gần/ADJ biển/NOUN ./PUNCT')),
    'yo': ('UD_Yoruba-YTB', 'yo_ytb', False, (
        'Ọkùnrin/NOUN náà/DET ń/AUX ta/VERB gìtá/NOUN ./PUNCT',
        'Àwọn/DET ọmọdé/NOUN ń/AUX ka/VERB ìwé/NOUN ./PUNCT',
        'Ọkọ̀/NOUN náà/DET máa/AUX lọ/VERB ní/ADP aago/NOUN mẹ́jọ/NUM ./PUNCT',
        'Ilé/NOUN ọnọ/NOUN ti/AUX tì/VERB ./PUNCT',
        'Ẹ̀gbọ́n/NOUN mi/PRON ń/AUX gbé/VERB létí/ADP òkun/NOUN ./PUNCT')),
}

# XTREME-R's five UD v2.7 languages (udpos/ud-treebanks-v2.7/), same tuple layout.
UD_V27 = {
    'lt': ('UD_Lithuanian-ALKSNIS', 'lt_alksnis', True, (
        'Vyras/NOUN groja/VERB gitara/NOUN ./PUNCT',
        'Vaikai/NOUN skaito/VERB knygas/NOUN ./PUNCT',
        'Traukinys/NOUN išvyksta/VERB aštuntą/ADJ ./PUNCT',
        'Muziejus/NOUN uždarytas/ADJ ./PUNCT',
        'Mano/PRON sesuo/NOUN gyvena/VERB prie/ADP jūros/NOUN ./PUNCT')),
    'pl': ('UD_Polish-PDB', 'pl_pdb', True, (
        'Mężczyzna/NOUN gra/VERB na/ADP gitarze/NOUN ./PUNCT',
        'Pociąg/NOUN odjeżdża/VERB o/ADP ósmej/ADJ ./PUNCT',
        'Muzeum/NOUN jest/AUX zamknięte/ADJ ./PUNCT',
        'Moja/DET siostra/NOUN mieszka/VERB nad/ADP morzem/NOUN ./PUNCT',
        'Piliśmy=Pili/VERB+śmy/AUX herbatę/NOUN ./PUNCT')),
    'uk': ('UD_Ukrainian-IU', 'uk_iu', True, (
        'Чоловік/NOUN грає/VERB на/ADP гітарі/NOUN ./PUNCT',
        'Діти/NOUN читають/VERB книжки/NOUN ./PUNCT',
        'Потяг/NOUN відправляється/VERB о/ADP восьмій/NUM ./PUNCT',
        'Музей/NOUN зачинений/ADJ ./PUNCT',
        'Моя/DET сестра/NOUN живе/VERB біля/ADP моря/NOUN ./PUNCT')),
    'wo': ('UD_Wolof-WTB', 'wo_wtb', True, (
        'Góor/NOUN gi/DET ngi/AUX tëgg/VERB gitaar/NOUN ./PUNCT',
        'Xale/NOUN yi/DET ngi/AUX jàng/VERB téere/NOUN ./PUNCT',
        'Saxaar/NOUN gi/DET dina/AUX dem/VERB Berlin/PROPN ./PUNCT',
        'Mize/NOUN bi/DET tëj/VERB na/AUX ./PUNCT',
        'Sama/DET rakk/NOUN dëkk/VERB ci/ADP tefes/NOUN gi/DET ./PUNCT')),
    'ro': ('UD_Romanian-RRT', 'ro_rrt', True, (
        'Bărbatul/NOUN cântă/VERB la/ADP chitară/NOUN ./PUNCT',
        'Copiii/NOUN citesc/VERB cărți/NOUN ./PUNCT',
        'Trenul/NOUN pleacă/VERB la/ADP opt/NUM ./PUNCT',
        'Muzeul/NOUN este/AUX închis/ADJ ./PUNCT',
        'Sora/NOUN mea/DET locuiește/VERB lângă/ADP mare/NOUN ./PUNCT')),
}

# ---------------------------------------------------------------- PAN-X
# [TYPE words] marks an entity; the rest is O. Test file in this order, dev reversed (as the
# shipped files).
PANX = {
    'af': ('[PER Nelson Mandela] het in [LOC Johannesburg] gewoon .',
           '[ORG Sasol] is in [LOC Sandton] gevestig .',
           '[PER Anna] werk vir [ORG Google] .',
           'Die [LOC Oranjerivier] vloei na die [LOC Atlantiese Oseaan] .',
           '[PER Jan Smuts] het [LOC Londen] besoek .'),
    'bg': ('[PER Иван Вазов] е роден в [LOC Сопот] .',
           '[ORG Софийският университет] се намира в [LOC София] .',
           '[PER Мария] работи в [ORG Google] .',
           '[LOC Дунав] тече покрай [LOC Русе] .',
           '[PER Христо Ботев] посети [LOC Букурещ] .'),
    'bn': ('[PER রবীন্দ্রনাথ ঠাকুর] [LOC কলকাতায়] জন্মগ্রহণ করেন ।',
           '[ORG ঢাকা বিশ্ববিদ্যালয়] [LOC ঢাকায়] অবস্থিত ।',
           '[PER রহিম] [ORG গুগলে] কাজ করে ।',
           '[LOC পদ্মা] নদী [LOC বাংলাদেশের] মধ্য দিয়ে প্রবাহিত ।',
           '[PER সাকিব] [LOC লন্ডন] ভ্রমণ করেছেন ।'),
    'es': ('[PER Gabriel García Márquez] vivió en [LOC México] .',
           '[ORG Telefónica] tiene su sede en [LOC Madrid] .',
           '[PER Ana] trabaja para [ORG Google] .',
           'El [LOC Ebro] pasa por [LOC Zaragoza] .',
           '[PER Pablo Picasso] visitó [LOC París] .'),
    'et': ('[PER Lennart Meri] sündis [LOC Tallinnas] .',
           '[ORG Skype] asutati [LOC Tallinnas] .',
           '[PER Mari] töötab [ORG Boltis] .',
           '[LOC Emajõgi] voolab läbi [LOC Tartu] .',
           '[PER Arvo Pärt] külastas [LOC Berliini] .'),
    'eu': ('[PER Bernardo Atxaga] [LOC Asteasun] jaio zen .',
           '[ORG Athletic] [LOC Bilbon] dago .',
           '[PER Miren] [ORG Eroskin] lan egiten du .',
           '[LOC Nerbioi] ibaia [LOC Bilbotik] igarotzen da .',
           '[PER Kirmen Uribe] [LOC Parisera] joan zen .'),
    'fa': ('[PER حافظ] در [LOC شیراز] زندگی می\u200cکرد .',
           '[ORG دانشگاه تهران] در [LOC تهران] است .',
           '[PER مریم] در [ORG گوگل] کار می\u200cکند .',
           '[LOC زاینده\u200cرود] از [LOC اصفهان] می\u200cگذرد .',
           '[PER سعدی] به [LOC بغداد] سفر کرد .'),
    'fi': ('[PER Jean Sibelius] asui [LOC Järvenpäässä] .',
           '[ORG Nokia] sijaitsee [LOC Espoossa] .',
           '[PER Anna] työskentelee [ORG Googlella] .',
           '[LOC Aurajoki] virtaa [LOC Turun] läpi .',
           '[PER Tove Jansson] vieraili [LOC Pariisissa] .'),
    'fr': ('[PER Victor Hugo] a vécu à [LOC Paris] .',
           '[ORG Renault] est basé à [LOC Boulogne-Billancourt] .',
           '[PER Marie] travaille chez [ORG Google] .',
           'La [LOC Loire] traverse [LOC Orléans] .',
           '[PER Albert Camus] a visité [LOC Alger] .'),
    'he': ('[PER דוד בן-גוריון] נולד [LOC בפולין] .',
           '[ORG האוניברסיטה העברית] נמצאת [LOC בירושלים] .',
           '[PER שרה] עובדת [ORG בגוגל] .',
           '[LOC הירדן] זורם אל [LOC ים המלח] .',
           '[PER גולדה מאיר] ביקרה [LOC בלונדון] .'),
    'hu': ('[PER Liszt Ferenc] [LOC Budapesten] élt .',
           'A [ORG Mol] székhelye [LOC Budapesten] van .',
           '[PER Anna] a [ORG Google-nél] dolgozik .',
           'A [LOC Duna] átfolyik [LOC Budapesten] .',
           '[PER Petőfi Sándor] meglátogatta [LOC Debrecent] .'),
    'id': ('[PER Soekarno] lahir di [LOC Surabaya] .',
           '[ORG Garuda Indonesia] berkantor di [LOC Jakarta] .',
           '[PER Budi] bekerja di [ORG Google] .',
           'Sungai [LOC Musi] mengalir melalui [LOC Palembang] .',
           '[PER Kartini] mengunjungi [LOC Semarang] .'),
    'it': ('[PER Dante Alighieri] nacque a [LOC Firenze] .',
           '[ORG Fiat] ha sede a [LOC Torino] .',
           '[PER Giulia] lavora per [ORG Google] .',
           'Il [LOC Tevere] attraversa [LOC Roma] .',
           '[PER Marco Polo] visitò la [LOC Cina] .'),
    'jv': ('[PER Soekarno] lair ing [LOC Surabaya] .',
           '[ORG Universitas Gadjah Mada] ana ing [LOC Yogyakarta] .',
           '[PER Budi] nyambut gawe ing [ORG Google] .',
           'Kali [LOC Bengawan Solo] mili liwat [LOC Surakarta] .',
           '[PER Kartini] lair ing [LOC Jepara] .'),
    'ka': ('[PER ილია ჭავჭავაძე] [LOC თბილისში] ცხოვრობდა .',
           '[ORG საქართველოს ბანკი] [LOC თბილისში] მდებარეობს .',
           '[PER ნინო] [ORG გუგლში] მუშაობს .',
           '[LOC მტკვარი] მიედინება [LOC თბილისში] .',
           '[PER შოთა რუსთაველი] [LOC იერუსალიმში] იმყოფებოდა .'),
    'kk': ('[PER Абай Құнанбайұлы] [LOC Семейде] тұрды .',
           '[ORG Қазақтелеком] [LOC Астанада] орналасқан .',
           '[PER Айгүл] [ORG Google] компаниясында жұмыс істейді .',
           '[LOC Ертіс] өзені [LOC Павлодар] арқылы ағады .',
           '[PER Мұхтар Әуезов] [LOC Мәскеуге] барды .'),
    'ko': ('[PER 세종대왕은] [LOC 한양에] 살았다 .',
           '[ORG 삼성전자는] [LOC 수원에] 있다 .',
           '[PER 김민수는] [ORG 구글에서] 일한다 .',
           '[LOC 한강은] [LOC 서울을] 지나 흐른다 .',
           '[PER 이순신은] [LOC 부산을] 방문했다 .'),
    'ml': ('[PER മോഹൻലാൽ] [LOC കൊച്ചിയിൽ] താമസിക്കുന്നു .',
           '[ORG ടെക്നോപാർക്ക്] [LOC തിരുവനന്തപുരത്താണ്] .',
           '[PER അനു] [ORG ഗൂഗിളിൽ] ജോലി ചെയ്യുന്നു .',
           '[LOC പെരിയാർ] നദി [LOC ആലുവയിലൂടെ] ഒഴുകുന്നു .',
           '[PER ശശി തരൂർ] [LOC ലണ്ടൻ] സന്ദർശിച്ചു .'),
    'mr': ('[PER सचिन तेंडुलकर] [LOC मुंबईत] राहतो .',
           '[ORG टाटा मोटर्स] [LOC पुण्यात] आहे .',
           '[PER अनिता] [ORG गूगलमध्ये] काम करते .',
           '[LOC गोदावरी] नदी [LOC नाशिकमधून] वाहते .',
           '[PER बाबासाहेब आंबेडकर] [LOC लंडनला] गेले .'),
    'ms': ('[PER Tunku Abdul Rahman] lahir di [LOC Alor Setar] .',
           '[ORG Petronas] beribu pejabat di [LOC Kuala Lumpur] .',
           '[PER Siti] bekerja di [ORG Google] .',
           'Sungai [LOC Pahang] mengalir melalui [LOC Pekan] .',
           '[PER Mahathir] melawat [LOC Tokyo] .'),
    'my': ('[PER အောင်ဆန်းစုကြည်] [LOC ရန်ကုန်] မှာ နေတယ် ။',
           '[ORG ရန်ကုန်တက္ကသိုလ်] [LOC ရန်ကုန်] မှာ ရှိတယ် ။',
           '[PER မောင်မောင်] [ORG ဂူဂဲလ်] မှာ အလုပ်လုပ်တယ် ။',
           '[LOC ဧရာဝတီ] မြစ် [LOC မန္တလေး] ကို ဖြတ်စီးတယ် ။',
           '[PER ဦးသန့်] [LOC နယူးယောက်] ကို သွားခဲ့တယ် ။'),
    'nl': ('[PER Vincent van Gogh] woonde in [LOC Arles] .',
           '[ORG Philips] is gevestigd in [LOC Amsterdam] .',
           '[PER Anna] werkt bij [ORG Google] .',
           'De [LOC Maas] stroomt door [LOC Maastricht] .',
           '[PER Johan Cruijff] bezocht [LOC Barcelona] .'),
    'pt': ('[PER Fernando Pessoa] viveu em [LOC Lisboa] .',
           '[ORG Petrobras] tem sede no [LOC Rio de Janeiro] .',
           '[PER Ana] trabalha na [ORG Google] .',
           'O [LOC Douro] passa pelo [LOC Porto] .',
           '[PER Pelé] visitou [LOC Tóquio] .'),
    'sw': ('[PER Julius Nyerere] aliishi [LOC Dar es Salaam] .',
           '[ORG Safaricom] iko [LOC Nairobi] .',
           '[PER Amina] anafanya kazi [ORG Google] .',
           'Mto [LOC Nile] unapita [LOC Khartoum] .',
           '[PER Wangari Maathai] alitembelea [LOC Oslo] .'),
    'ta': ('[PER இளையராஜா] [LOC சென்னையில்] வசிக்கிறார் .',
           '[ORG இன்போசிஸ்] [LOC பெங்களூரில்] உள்ளது .',
           '[PER மீனா] [ORG கூகுளில்] வேலை செய்கிறார் .',
           '[LOC காவிரி] ஆறு [LOC திருச்சி] வழியாக ஓடுகிறது .',
           '[PER சுப்பிரமணிய பாரதி] [LOC காசிக்கு] சென்றார் .'),
    'te': ('[PER చిరంజీవి] [LOC హైదరాబాదులో] నివసిస్తారు .',
           '[ORG ఇన్ఫోసిస్] [LOC బెంగళూరులో] ఉంది .',
           '[PER లక్ష్మి] [ORG గూగుల్లో] పనిచేస్తుంది .',
           '[LOC గోదావరి] నది [LOC రాజమండ్రి] గుండా ప్రవహిస్తుంది .',
           '[PER సత్య నాదెళ్ల] [LOC లండన్] సందర్శించారు .'),
    'tl': ('[PER Jose Rizal] ay nanirahan sa [LOC Maynila] .',
           '[ORG Jollibee] ay nasa [LOC Pasig] .',
           '[PER Maria] ay nagtatrabaho sa [ORG Google] .',
           'Ang [LOC Ilog Pasig] ay dumadaloy sa [LOC Maynila] .',
           '[PER Manny Pacquiao] ay bumisita sa [LOC Tokyo] .'),
    'tr': ("[PER Orhan Pamuk] [LOC İstanbul'da] yaşıyor .",
           "[ORG Türk Hava Yolları] [LOC İstanbul'da] bulunuyor .",
           "[PER Ayşe] [ORG Google'da] çalışıyor .",
           "[LOC Kızılırmak] [LOC Kayseri'den] geçer .",
           "[PER Mustafa Kemal] [LOC Samsun'a] gitti ."),
    'ur': ('[PER علامہ اقبال] [LOC لاہور] میں رہتے تھے ۔',
           '[ORG پنجاب یونیورسٹی] [LOC لاہور] میں ہے ۔',
           '[PER عائشہ] [ORG گوگل] میں کام کرتی ہے ۔',
           '[LOC دریائے سندھ] [LOC سکھر] سے گزرتا ہے ۔',
           '[PER فیض احمد فیض] نے [LOC ماسکو] کا دورہ کیا ۔'),
    'vi': ('[PER Hồ Chí Minh] sinh ra ở [LOC Nghệ An] .',
           '[ORG Vinamilk] có trụ sở ở [LOC Thành phố Hồ Chí Minh] .',
           '[PER Lan] làm việc cho [ORG Google] .',
           'Sông [LOC Hồng] chảy qua [LOC Hà Nội] .',
           '[PER Nguyễn Du] đã đến [LOC Bắc Kinh] .'),
    'yo': ('[PER Wole Soyinka] ń gbé ní [LOC Abẹokuta] .',
           '[ORG Yunifásítì Ìbàdàn] wà ní [LOC Ìbàdàn] .',
           '[PER Adé] ń ṣiṣẹ́ ní [ORG Google] .',
           'Odò [LOC Ọya] ń ṣàn kọjá [LOC Jẹ́bà] .',
           '[PER Fẹlá Kútì] lọ sí [LOC Lọndọnu] .'),
}

# XTREME-R's eight added PAN-X languages.
PANX.update({
    'qu': ('[PER Túpac Amaru] [LOC Cuscopi] tiyarqan .',
           '[ORG San Marcos Hatun Yachay Wasi] [LOC Limapi] kachkan .',
           '[PER Rosa] [ORG Googlepi] llamkan .',
           '[LOC Apurímac] mayu [LOC Amazonasman] purin .',
           '[PER José María Arguedas] [LOC Andahuaylasta] watukurqan .'),
    'pl': ('[PER Fryderyk Chopin] mieszkał w [LOC Paryżu] .',
           '[ORG Uniwersytet Jagielloński] znajduje się w [LOC Krakowie] .',
           '[PER Anna] pracuje w [ORG Google] .',
           '[LOC Wisła] wpada do [LOC Morza Bałtyckiego] .',
           '[PER Maria Skłodowska] odwiedziła [LOC Londyn] .'),
    'uk': ('[PER Тарас Шевченко] жив у [LOC Києві] .',
           '[ORG Київський університет] розташований у [LOC Києві] .',
           '[PER Олена] працює в [ORG Google] .',
           '[LOC Дніпро] впадає в [LOC Чорне море] .',
           '[PER Леся Українка] відвідала [LOC Лондон] .'),
    'az': ('[PER Nizami Gəncəvi] [LOC Gəncədə] yaşayıb .',
           '[ORG Bakı Dövlət Universiteti] [LOC Bakıda] yerləşir .',
           '[PER Leyla] [ORG Google] şirkətində işləyir .',
           '[LOC Kür] çayı [LOC Xəzər dənizinə] tökülür .',
           '[PER Üzeyir Hacıbəyov] [LOC Londona] səfər edib .'),
    'lt': ('[PER Maironis] gyveno [LOC Kaune] .',
           '[ORG Vilniaus universitetas] yra [LOC Vilniuje] .',
           '[PER Ona] dirba [ORG Google] .',
           '[LOC Nemunas] įteka į [LOC Baltijos jūrą] .',
           '[PER Vytautas Landsbergis] aplankė [LOC Londoną] .'),
    'pa': ('[PER ਭਗਤ ਸਿੰਘ] [LOC ਲਾਹੌਰ] ਵਿੱਚ ਰਹਿੰਦਾ ਸੀ ।',
           '[ORG ਪੰਜਾਬ ਯੂਨੀਵਰਸਿਟੀ] [LOC ਚੰਡੀਗੜ੍ਹ] ਵਿੱਚ ਹੈ ।',
           '[PER ਹਰਪ੍ਰੀਤ] [ORG ਗੂਗਲ] ਵਿੱਚ ਕੰਮ ਕਰਦੀ ਹੈ ।',
           '[LOC ਸਤਲੁਜ] [LOC ਸਿੰਧ] ਵਿੱਚ ਮਿਲਦਾ ਹੈ ।',
           '[PER ਅੰਮ੍ਰਿਤਾ ਪ੍ਰੀਤਮ] ਨੇ [LOC ਲੰਡਨ] ਦੀ ਯਾਤਰਾ ਕੀਤੀ ।'),
    'gu': ('[PER મહાત્મા ગાંધી] [LOC અમદાવાદમાં] રહેતા હતા .',
           '[ORG ગુજરાત યુનિવર્સિટી] [LOC અમદાવાદમાં] આવેલી છે .',
           '[PER નિશા] [ORG ગૂગલમાં] કામ કરે છે .',
           '[LOC નર્મદા] નદી [LOC અરબી સમુદ્રમાં] મળે છે .',
           '[PER સરદાર પટેલ] [LOC લંડનની] મુલાકાતે ગયા .'),
    'ro': ('[PER Mihai Eminescu] a trăit la [LOC Iași] .',
           '[ORG Universitatea din București] se află în [LOC București] .',
           '[PER Ana] lucrează la [ORG Google] .',
           '[LOC Dunărea] se varsă în [LOC Marea Neagră] .',
           '[PER Constantin Brâncuși] a vizitat [LOC Londra] .'),
})

# ---------------------------------------------------------------- writers


def _json(data):
  return json.dumps(data, indent=1, ensure_ascii=False) + '\n'


def write_tatoeba(root):
  for lang in TATOEBA_NEW:
    code = TATOEBA_ISO3[lang]
    _write(root, f'tatoeba/tatoeba.{code}-eng.{code}', ''.join(s + '\n' for s in SENTENCES[lang]))
    _write(root, f'tatoeba/tatoeba.{code}-eng.eng', ''.join(s + '\n' for s in ENGLISH))


def _xnli_rows(lang, split):
  s = SENTENCES[lang]
  premises = (s[1],) * 3 + (s[0],) * 3
  rows = [(lang, label, premise, hyp, str(5 - i))
          for i, (label, premise, hyp) in enumerate(zip(XNLI_LABELS, premises,
                                                          XNLI_HYPOTHESES[lang]))]
  return rows if split == 'test' else rows[::-1]  # dev: the shipped files' reverse order


def write_xnli(root):
  for split in ('dev', 'test'):
    rel = f'xnli/XNLI-1.0/xnli.{split}.tsv'
    with open(os.path.join(root, rel), encoding='utf-8') as f:
      header, *lines = f.read().splitlines()
    old = [line for line in lines if line.split('\t', 1)[0] not in XNLI_HYPOTHESES]
    new = []
    for lang in XNLI_HYPOTHESES:
      for lang_, label, premise, hyp, pid in _xnli_rows(lang, split):
        new.append('\t'.join([lang_, label, '_', '_', '_', '_', premise, hyp, pid, pid, 'fiction']
                             + [label] * 5 + [premise, hyp, 'True']))
    # Existing languages keep their place; added ones follow in XNLI's language order.
    _write(root, rel, '\n'.join([header] + old + new) + '\n')


def _qa_file(lang, ids):
  parts = [SENTENCES[lang][i] for i in QA_SENTENCES]
  context = ' '.join(parts)
  starts = [sum(len(p) + 1 for p in parts[:k]) for k in range(len(parts))]
  qas = []
  for qid, (question, k, text) in zip(ids, QA[lang]):
    where = parts[k].find(text)
    assert where >= 0, (lang, text)
    start = starts[k] + where
    assert context[start:start + len(text)] == text
    qas.append({'id': qid, 'question': question,
                'answers': [{'text': text, 'answer_start': start}]})
  return {'version': '1.1', 'data': [{'title': 'Fixture', 'paragraphs': [
      {'context': context, 'qas': qas}]}]}


def write_qa(root):
  for lang in XQUAD_NEW:
    _write(root, f'xquad/xquad.{lang}.json', _json(_qa_file(lang, XQUAD_IDS)))
  for lang in TYDIQA_NEW:
    name = TYDIQA_NAMES[lang]
    ids = [f'{name}-{1000 + i}-0' for i in range(5)]
    _write(root, f'tydiqa/tydiqa-goldp-v1.1-dev/tydiqa-goldp-dev-{name}.json',
           _json(_qa_file(lang, ids)))


def _conllu_sentence(sent_id, markup):
  """CoNLL-U lines of one sentence: each word heads to the root (the first VERB, else ADJ,
  else NOUN), a function word inside a multi-word token to that token's content word."""
  tokens = []  # (fused form or None, [(form, upos)])
  for item in markup.split():
    if '=' in item:
      fused, subs = item.split('=', 1)
      tokens.append((fused, [tuple(s.rsplit('/', 1)) for s in subs.split('+')]))
    else:
      form, upos = item.rsplit('/', 1)
      tokens.append((None, [(form.replace('_', ' '), upos)]))
  words = [w for _, ws in tokens for w in ws]
  tags = [t for _, t in words]
  root = next((tags.index(t) + 1 for t in ('VERB', 'ADJ', 'NOUN') if t in tags), 1)
  heads = {}
  i = 1
  for fused, ws in tokens:
    ids = list(range(i, i + len(ws)))
    content = [j for j, (_, t) in zip(ids, ws) if t not in ('ADP', 'DET')]
    for j, (_, t) in zip(ids, ws):
      heads[j] = 0 if j == root else (content[0] if fused and content and j not in content
                                      else root)
    i += len(ws)
  text = ' '.join(fused or ws[0][0] for fused, ws in tokens)
  lines = [f'# sent_id = {sent_id}', f'# text = {text}']
  i = 1
  for fused, ws in tokens:
    if fused:
      lines.append(f'{i}-{i + len(ws) - 1}\t{fused}\t_\t_\t_\t_\t_\t_\t_\t_')
    for form, upos in ws:
      rel = 'root' if heads[i] == 0 else 'dep'
      lines.append(f'{i}\t{form}\t{form.lower()}\t{upos}\t_\t_\t{heads[i]}\t{rel}\t_\t_')
      i += 1
  return '\n'.join(lines) + '\n\n'


def write_udpos(root):
  for version, table in (('2.5', UD), ('2.7', UD_V27)):
    for lang, (folder, prefix, has_dev, sentences) in table.items():
      for split in ('test', 'dev') if has_dev else ('test',):
        order = sentences if split == 'test' else sentences[::-1]
        text = ''.join(_conllu_sentence(f'{split}-{i}', s) for i, s in enumerate(order, 1))
        _write(root, f'udpos/ud-treebanks-v{version}/{folder}/{prefix}-ud-{split}.conllu', text)


def _panx_sentence(lang, markup):
  lines = []
  for m in re.finditer(r'\[(PER|ORG|LOC) ([^\]]+)\]|(\S+)', markup):
    if m.group(3):
      lines.append(f'{lang}:{m.group(3)}\tO')
    else:
      for k, word in enumerate(m.group(2).split()):
        lines.append(f'{lang}:{word}\t{"B" if k == 0 else "I"}-{m.group(1)}')
  return '\n'.join(lines) + '\n\n'


def write_panx(root):
  for lang, sentences in PANX.items():
    for split, order in (('test', sentences), ('dev', sentences[::-1])):
      _write(root, f'panx/panx_dataset/{lang}-{split}',
             ''.join(_panx_sentence(lang, s) for s in order))


def _check_normalised():
  """Fixture text is NFC, so character offsets mean the same before and after NFKC."""
  texts = [s for v in SENTENCES.values() for s in v]
  texts += [s for v in XNLI_HYPOTHESES.values() for s in v]
  texts += [q for v in QA.values() for q, _, a in v] + [a for v in QA.values() for _, _, a in v]
  texts += [s for _, _, _, v in (*UD.values(), *UD_V27.values()) for s in v]
  texts += [s for v in PANX.values() for s in v]
  for t in texts:
    assert unicodedata.normalize('NFC', t) == t, t


def main(root=DEFAULT_ROOT):
  _check_normalised()
  write_tatoeba(root)
  write_xnli(root)
  write_qa(root)
  write_udpos(root)
  write_panx(root)


if __name__ == '__main__':
  main(*sys.argv[1:])
