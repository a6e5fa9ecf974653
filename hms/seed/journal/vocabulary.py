"""The words and facts of the demo journals: illnesses as the hospital meets them,
with the Swedish text of their notes, long-standing illnesses, allergies, past
history, nursing keywords, corrections and care plans."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Surgery:
    name: str
    code: str | None
    anaesthesia: str
    outcome: str
    is_surgery: bool = True


@dataclass(frozen=True)
class Episode:
    """One kind of illness as the hospital meets it, with the words of its notes."""

    code: str
    setting: str  # emergency or admission
    units: tuple[str, ...]
    reason: str
    anamnes: str
    status: str
    assessment: str
    action: str
    course: str = "mild"  # vital-sign profile at its worst (see PEAKS)
    stay: tuple[int, int] = (0, 0)  # days in a bed
    ages: tuple[int, int] = (0, 110)
    weight: float = 1.0
    surgery: Surgery | None = None
    follow_up: str | None = None  # unit of a return visit some weeks later
    progress: str = "Behandling enligt plan, svarar väl."


EPISODES = (
    Episode(
        "J18.9", "admission", ("MED1",), "Feber, hosta och andfåddhet",
        "{pat} med fyra dagars feber upp till 39 grader, hosta med missfärgade upphostningar och "
        "tilltagande andfåddhet. Nedsatt aptit. Inga bröstsmärtor.",
        "AT: Påverkad, varm och torr. Cor: Regelbunden rytm, inga blåsljud. Pulm: Krepitationer basalt "
        "{sida}. Buk: Mjuk, oöm. CRP 186.",
        "Samhällsförvärvad pneumoni, CRB-65 1 poäng. Behöver intravenös antibiotika och syrgas.",
        "Inläggning. Bensylpenicillin 3 g x 3 iv. Syrgas efter saturation, mål 92–96 %. Blododlingar "
        "tagna. Vätska iv.",
        course="infection", stay=(3, 7), weight=3,
        progress="Feberfri sedan i går, CRP sjunkande. Byter till peroral antibiotika.",
    ),
    Episode(
        "N39.0", "emergency", ("AKM",), "Sveda vid miktion och feber",
        "{pat} med två dagars sveda och täta trängningar, sedan i natt feber och frossa. Ingen flanksmärta.",
        "AT: Opåverkad. Buk: Mjuk, lätt ömhet ovan symfysen. Ej dunköm över njurloger. U-sticka: "
        "leukocyter 3+, nitrit positiv.",
        "Nedre urinvägsinfektion med feber, ingen misstanke om pyelonefrit.",
        "Urinodling skickad. Pivmecillinam 400 mg x 3 i 5 dagar. Åter vid försämring.",
        weight=3,
    ),
    Episode(
        "N39.0", "admission", ("GER1", "MED1"), "Förvirring och feber",
        "{pat} som enligt hemtjänsten blivit alltmer förvirrad sedan två dagar, feber 38,7 i morse. "
        "Har haft trängningar.",
        "AT: Trött, desorienterad till tid. Buk: Mjuk, oöm. U-sticka: leukocyter 3+, nitrit positiv.",
        "Urinvägsinfektion med konfusion hos äldre patient.",
        "Inläggning. Ceftriaxon 2 g x 1 iv. Vätska. Tillsyn nattetid, fallprevention.",
        course="infection", stay=(2, 5), ages=(75, 110), weight=2,
        progress="Klarare i dag, feberfri. Odlingssvar: E. coli känslig för mecillinam.",
    ),
    Episode(
        "S72.0", "admission", ("ORT1",), "Fall i hemmet, smärta i höften",
        "{pat} som halkade på mattan i hemmet i morse och inte kunde resa sig. Smärta i {sida} ljumske. "
        "Ingen medvetslöshet.",
        "{Sida} ben förkortat och utåtroterat. Distalt status utan anmärkning. Röntgen: medial "
        "collumfraktur {sida}, dislocerad.",
        "Dislocerad medial collumfraktur {sida}. Operation planeras i morgon.",
        "Inläggning på ortopedavdelning. Fasteregim från midnatt. Smärtlindring, femoralisblockad. "
        "Trombosprofylax.",
        course="trauma", stay=(5, 9), ages=(60, 110), weight=2, follow_up="ORT1",
        surgery=Surgery("Primär total protes i höftled, cementerad", "NFB49", "general",
                        "Okomplicerat ingrepp. Blödning 300 ml. Full belastning tillåten."),
        progress="Mobiliserad med gåbord, sårförband torrt. Smärtan väl lindrad.",
    ),
    Episode(
        "I21.9", "admission", ("MED2",), "Bröstsmärta sedan två timmar",
        "{pat} med tryckande smärta mitt i bröstet som strålar ut i vänster arm sedan två timmar, "
        "kallsvettig.",
        "AT: Blek, smärtpåverkad. Cor: Regelbunden rytm. EKG: ST-sänkningar V4–V6. Troponin T 245.",
        "Akut hjärtinfarkt utan ST-höjning.",
        "Inläggning på hjärtavdelning med telemetri. ASA, tikagrelor, fondaparinux. Koronarangiografi "
        "planeras.",
        course="cardiac", stay=(3, 6), ages=(45, 100), weight=2,
        surgery=Surgery("Koronarangiografi med PCI", None, "local",
                        "Stenos i LAD, behandlad med läkemedelsavgivande stent.", is_surgery=False),
        progress="Smärtfri, ingen arytmi på telemetri. Mobiliseras.",
    ),
    Episode(
        "I48.9", "emergency", ("AKM",), "Hjärtklappning",
        "{pat} med oregelbunden hjärtklappning sedan i går kväll, lätt andfåddhet vid ansträngning.",
        "AT: Opåverkad. Cor: Oregelbunden rytm, frekvens 130. EKG: förmaksflimmer med snabb kammarfrekvens.",
        "Nydebuterat förmaksflimmer, CHA2DS2-VASc 3.",
        "Metoprolol för frekvenskontroll. Apixaban 5 mg x 2. Remiss till kardiologmottagningen.",
        course="cardiac", ages=(40, 110), weight=2, follow_up="MEDMOT",
    ),
    Episode(
        "J44.9", "admission", ("MED1",), "Ökad andfåddhet",
        "{pat} med känd KOL som sedan fem dagar har ökad andfåddhet och mer slem. Klarar inte trappan hemma.",
        "AT: Andfådd i vila, talar i korta meningar. Pulm: Förlängt exspirium, ronki bilateralt. "
        "Artärblodgas: pCO2 6,8.",
        "KOL-exacerbation utan tecken på pneumoni.",
        "Inläggning. Inhalationer, prednisolon 30 mg i 5 dagar. Syrgas med mål 88–92 %.",
        course="respiratory", stay=(3, 8), ages=(50, 110), weight=2,
        progress="Mindre andfådd, klarar sig utan syrgas i vila.",
    ),
    Episode(
        "R07.4", "emergency", ("AKM",), "Bröstsmärta",
        "{pat} med stickande smärta i bröstet sedan i morse, värre vid djupa andetag.",
        "AT: Opåverkad. Cor: Regelbunden rytm, inga blåsljud. EKG: sinusrytm utan ischemi. Troponin "
        "normalt vid två tillfällen.",
        "Bröstsmärta utan tecken på akut koronart syndrom, troligen muskuloskeletal.",
        "Hem. Paracetamol vid behov. Åter vid förändrade besvär.",
        ages=(20, 90), weight=3,
    ),
    Episode(
        "A09.9", "emergency", ("AKM",), "Kräkningar och diarré",
        "{pat} med kräkningar och vattentunna diarréer sedan ett dygn. Dricker lite.",
        "AT: Trött, torra slemhinnor. Buk: Mjuk, diffust lätt öm, livliga tarmljud.",
        "Gastroenterit med lätt uttorkning.",
        "Vätska iv 1 liter. Vätskeersättning hemma. Åter vid försämring.",
        weight=2,
    ),
    Episode(
        "K35.8", "admission", ("SURG1",), "Buksmärta",
        "{pat} med smärta som började kring naveln i går och nu sitter i höger fossa, illamående.",
        "AT: Opåverkad. Buk: Ömhet och släppömhet i höger fossa. CRP 68. DT buk: appendicit utan "
        "perforation.",
        "Akut appendicit.",
        "Inläggning, operation i kväll. Fasta, vätska iv.",
        course="infection", stay=(1, 3), ages=(8, 70), weight=1,
        surgery=Surgery("Laparoskopisk appendektomi", "JEA01", "general",
                        "Flegmonös appendix, inga komplikationer."),
        progress="Mår bra efter operationen, äter och är uppe.",
    ),
    Episode(
        "K80.2", "admission", ("SURG1",), "Planerad kolecystektomi",
        "{pat} med upprepade gallstensanfall senaste året, inskrivs för planerad operation.",
        "AT: Opåverkad. Buk: Mjuk, oöm. Ultraljud: multipla konkrement i gallblåsan.",
        "Symtomgivande gallsten.",
        "Operation enligt planering. Fasta från midnatt.",
        stay=(1, 2), ages=(25, 80), weight=1, follow_up="SURG1",
        surgery=Surgery("Laparoskopisk kolecystektomi", "JKA21", "general", "Okomplicerat ingrepp."),
    ),
    Episode(
        "S52.5", "emergency", ("AKM",), "Fall på handen",
        "{pat} som halkade och tog emot sig med {sida} hand.",
        "Felställning och svullnad över {sida} handled, distalt status utan anmärkning. Röntgen: "
        "distal radiusfraktur med dorsal felställning.",
        "Distal radiusfraktur {sida}.",
        "Reposition i hematomblockad och dorsal gipsskena. Röntgenkontroll om en vecka.",
        course="trauma", weight=2, follow_up="ORT1",
        surgery=Surgery("Sluten reposition av radiusfraktur och gipsning", None, "local",
                        "Godtagbart läge efter reposition.", is_surgery=False),
    ),
    Episode(
        "S93.4", "emergency", ("AKM",), "Vrickad fot",
        "{pat} som vrickade {sida} fot vid fotbollsträning.",
        "Svullnad och ömhet framför laterala malleolen, kan belasta. Ottawa-kriterier negativa.",
        "Distorsion av {sida} fotled.",
        "Kompression, högläge och belastning efter förmåga. Ingen röntgen behövs.",
        ages=(8, 60), weight=2,
    ),
    Episode(
        "I63.9", "admission", ("MED1", "GER1"), "Plötslig svaghet i arm och ben",
        "{pat} som i morse fick plötslig svaghet i {sida} arm och ben och sluddrande tal.",
        "AT: Vaken. Neuro: Pares i {sida} arm och ben, dysartri. NIHSS 6. DT hjärna: ingen blödning.",
        "Akut ischemisk stroke.",
        "Trombolys utförd. Inläggning på strokeenhet. Sväljbedömning innan peroral tillförsel.",
        course="cardiac", stay=(5, 10), ages=(55, 110), weight=1,
        progress="Armen starkare i dag, talet tydligare. Träning med fysioterapeut.",
    ),
    Episode(
        "I50.9", "admission", ("MED2",), "Andfåddhet och svullna ben",
        "{pat} med känd hjärtsvikt, två veckors tilltagande andfåddhet och bensvullnad, viktuppgång 4 kg.",
        "AT: Andfådd i vila. Cor: Oregelbunden rytm. Pulm: Krepitationer basalt bilateralt. Ödem upp "
        "till knäna.",
        "Hjärtsvikt i försämring.",
        "Inläggning. Furosemid 40 mg x 2 iv. Daglig vikt, vätskelista.",
        course="respiratory", stay=(3, 7), ages=(60, 110), weight=2,
        progress="Diures god, vikt ned 2 kg. Mindre andfådd.",
    ),
    Episode(
        "R55", "emergency", ("AKM",), "Svimning",
        "{pat} som svimmade i kön i affären, vaknade direkt. Inga kramper, ingen bröstsmärta.",
        "AT: Opåverkad. Cor: Regelbunden rytm. EKG: sinusrytm, normala intervall. Ortostatiskt blodtryck "
        "utan fall.",
        "Sannolikt vasovagal synkope.",
        "Hem. Information om vätskeintag. Åter vid upprepning.",
        weight=1,
    ),
    Episode(
        "L03.1", "admission", ("MED1",), "Rodnad och svullnad på benet",
        "{pat} med tre dagars tilltagande rodnad, värme och smärta på {sida} underben, feber i går.",
        "Rodnad, värmeökning och ömhet på {sida} underben, ingen fluktuation. CRP 120.",
        "Erysipelas på {sida} underben.",
        "Inläggning. Bensylpenicillin 3 g x 3 iv. Högläge. Markering av rodnadens utbredning.",
        course="infection", stay=(2, 5), ages=(30, 110), weight=1,
    ),
    Episode(
        "J06.9", "emergency", ("AKM",), "Feber och hosta",
        "{pat} med snuva, hosta och feber sedan tre dagar. Äter och dricker.",
        "AT: Opåverkad. Öron: Trumhinnor normala. Svalg: Lätt rodnat. Pulm: Normala andningsljud.",
        "Övre luftvägsinfektion, sannolikt viral.",
        "Ingen antibiotika. Febernedsättande vid behov. Åter vid försämring.",
        ages=(0, 15), weight=4,
    ),
    Episode(
        "J21.9", "admission", ("PAED1",), "Andningssvårigheter",
        "{pat} med förkylning sedan fyra dagar, nu indragningar och äter sämre.",
        "AT: Andas ansträngt med indragningar. Pulm: Utbredda knaster bilateralt. Saturation 91 %.",
        "Bronkiolit.",
        "Inläggning. Syrgas, näsdroppar, sondmatning vid behov.",
        course="respiratory", stay=(2, 5), ages=(0, 1), weight=4,
        progress="Mindre ansträngd, äter bättre. Syrgas avvecklad.",
    ),
    Episode(
        "J45.9", "emergency", ("AKM",), "Astmaanfall",
        "{pat} med känd astma, pipande andning och andfåddhet sedan i kväll, inte hjälpt av egen inhalator.",
        "AT: Andfådd. Pulm: Utbredda ronki, förlängt exspirium. PEF 55 % av förväntat.",
        "Akut astmaexacerbation.",
        "Inhalation salbutamol och ipratropium x 3, betametason. Förbättrad, PEF 80 %. Hem med plan.",
        course="respiratory", ages=(5, 45), weight=2,
    ),
    Episode(
        "A41.9", "admission", ("MED1",), "Feber och allmänpåverkan",
        "{pat} som sedan i går har hög feber, frossa och är alltmer trött och förvirrad.",
        "AT: Påverkad, marmorerad hud. Laktat 3,4. CRP 280. Fokus oklart.",
        "Sepsis med oklart fokus.",
        "Inläggning. Piperacillin-tazobaktam 4 g x 4 iv efter odlingar. Vätskebolus. Tät kontroll av "
        "vitalparametrar, IVA informerad.",
        course="sepsis", stay=(4, 10), ages=(60, 110), weight=1,
        progress="Stabiliserad efter vätska och antibiotika. Blododling: E. coli.",
    ),
    Episode(
        "S06.0", "emergency", ("AKM",), "Skallskada",
        "{pat} som slog huvudet vid fall från cykel, kort minneslucka. Hade hjälm.",
        "AT: Vaken, orienterad. Neuro: Utan fokala bortfall. GCS 15.",
        "Hjärnskakning utan indikation för DT.",
        "Hem med vuxen som tillsyn. Skriftlig information om varningstecken.",
        ages=(6, 80), weight=1,
    ),
    Episode(
        "M17.1", "admission", ("ORT1",), "Planerad knäplastik",
        "{pat} med knäledsartros och värk som begränsar gångsträckan trots fysioterapi.",
        "Nedsatt rörlighet i {sida} knä, krepitationer. Röntgen: uttalad artros.",
        "Knäledsartros {sida}, planerad protes.",
        "Operation enligt planering. Trombosprofylax.",
        stay=(2, 4), ages=(55, 90), weight=1, follow_up="ORT1",
        surgery=Surgery("Primär total protes i knäled, cementerad", "NGB49", "regional",
                        "Okomplicerat ingrepp i spinalbedövning."),
    ),
)  # fmt: skip

# Long-standing illnesses: ICD-10, from which age, prevalence at 80, and a
# text for the yearly check-up when the hospital follows it (None: primary care does).
CHRONIC = (
    ("I10", 35, 0.55, "Blodtryck {bp} i sittande. Fortsatt samma behandling."),
    ("E11.9", 35, 0.2, "HbA1c 54 mmol/mol. Fotstatus utan anmärkning. Ögonbottenfoto beställt."),
    ("I48.9", 50, 0.15, "Regelbunden puls i dag. Ingen blödning på antikoagulantia."),
    ("J44.9", 45, 0.12, "Spirometri oförändrad. Inga exacerbationer sedan senast."),
    ("E78.0", 40, 0.25, None),
    ("E03.9", 25, 0.1, None),
    ("N18.9", 50, 0.1, None),
    ("F32.9", 18, 0.08, None),
    ("K21.9", 25, 0.1, None),
    ("M81.9", 55, 0.12, None),
)
CHRONIC_CHILD = (("J45.0", 0, 0.08, None), ("L20.9", 0, 0.1, None))

ALLERGIES = (
    ("Penicillin", "medication", "Urtikaria", "moderate", False, 4),
    ("Trimetoprim-sulfa", "medication", "Utslag", "mild", False, 1),
    ("Jordnötter", "food", "Anafylaxi", "life_threatening", False, 1),
    ("Björkpollen", "environment", "Rinit och konjunktivit", "mild", False, 2),
    ("Latex", "environment", "Kontakteksem", "mild", False, 1),
    ("Diklofenak", "medication", "Magbesvär", "mild", True, 1),
    ("Kodein", "medication", "Illamående och kräkningar", "moderate", True, 1),
    ("Jodkontrastmedel", "medication", "Andnöd och urtikaria", "severe", False, 1),
)
SOCIAL = (
    "Aldrig rökt. Alkohol: enstaka glas vin i helgerna.",
    "Röker 10 cigaretter per dag sedan 30 år.",
    "Före detta rökare, 20 paketår, slutade för tio år sedan.",
    "Bor med make/maka i villa, klarar sig själv.",
    "Bor ensam i lägenhet med hiss, hemtjänst två gånger dagligen.",
    "Snusar. Arbetar som lärare.",
    "Pensionär, tidigare lastbilschaufför. Aktiv, promenerar dagligen.",
)
FAMILY = (
    "Far hade hjärtinfarkt vid 60 års ålder.",
    "Mor och moster med typ 2-diabetes.",
    "Syster behandlad för bröstcancer.",
    "Ingen känd ärftlighet för hjärt-kärlsjukdom.",
)
PAST = (
    "Tonsillektomi som barn.",
    "Appendektomi i tonåren.",
    "Pneumoni för många år sedan, utan komplikationer.",
    "Njursten för tio år sedan, avgick spontant.",
)
NURSING = (
    ("Andning/cirkulation", "Andas ansträngt, syrgas 2 l på grimma.", "Andas lugnt utan syrgas."),
    ("Nutrition", "Dålig aptit, näringsdryck erbjuden.", "Äter hela portioner, dricker bra."),
    ("Elimination", "KAD sedan inskrivningen, diures utan anmärkning.", "Kastar vatten spontant."),
    ("Smärta/sinnesintryck", "Smärta VAS 6, morfin 2,5 mg iv given med effekt.", "Smärtfri i vila."),
    ("Aktivitet", "Sängliggande, vänds var tredje timme.", "Går med rollator till toaletten."),
    ("Sömn", "Sovit oroligt, vaken vid flera tillfällen.", "Sovit gott under natten."),
)
WORSE = (
    "Försämrad under dagen med stigande andningsfrekvens, sjunkande saturation och blodtrycksfall.",
    "Ny bedömning, ökad syrgas, blododlingar och vätskebolus. Byte till bredare antibiotika. "
    "IVA-jour kontaktad, tät kontroll av NEWS2.",
)
AMENDMENTS = (
    ("Kompletterar med provsvar som kom efter signering.", "Bedömning", "Tillägg: odlingssvar och "
     "CRP-kontroll talar för bakteriell genes, behandlingen fortsätter."),
    ("Felaktig dos angiven, rättad.", "Åtgärd", "Rättelse: dosen ska vara halverad på grund av "
     "nedsatt njurfunktion."),
    ("Kompletterar status efter förnyad undersökning.", "Status", "Tillägg: lätta perifera ödem."),
)  # fmt: skip
IN_ERROR_REASON = "Anteckningen skrevs i fel patients journal."
CARE_PLANS = {
    "E11.9": ("Diabetesvård", "HbA1c under 52 mmol/mol, blodtryck under 140/85, inga fotsår.",
              "Metformin. Årskontroll med fotundersökning och ögonbottenfoto. Diabetessköterska två "
              "gånger per år."),
    "I50.9": ("Hjärtsviktsvård", "Stabil vikt, inga inläggningar för hjärtsvikt.",
              "Daglig vikt hemma, kontakt vid uppgång över 2 kg. Titrering av läkemedel på "
              "sviktmottagningen."),
    "J44.9": ("KOL-vård", "Färre exacerbationer, bibehållen fysisk förmåga.",
              "Rökstopp, inhalationsteknik, fysisk träning, pneumokock- och influensavaccin."),
}  # fmt: skip
FALL_PLAN = ("Fallprevention", "Inga fall under vårdtiden.",
             "Säng i lågt läge, larmknapp inom räckhåll, tillsyn nattetid, halkstrumpor.")  # fmt: skip

DEMO_EPISODES = (
    ("S72.0", "admission"),
    ("I48.9", "emergency"),
    ("N39.0", "emergency"),
    ("R07.4", "emergency"),
)
DEMO_CHRONIC = ("I10", "E11.9")


def episode(code: str, setting: str) -> Episode:
    return next(e for e in EPISODES if e.code == code and e.setting == setting)
