/*
 * stopwords: per-language word lists in one hash set keyed by "lang:word",
 * built once. Space-separated literals keep the lists readable and easy to
 * extend.
 */
#include "stopwords.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

struct stoplist {
	const char *lang;
	const char *words;
};

static const struct stoplist lists[] = {
	{ "en",
	  "a about above after again against all almost also although always am among an and "
	  "another any anyone anything are around as at be became because become been before "
	  "being below between both but by can cannot could did do does doing done down during "
	  "each either else enough even ever every few for from further get gets got had has "
	  "have having he her here hers herself him himself his how however i if in into is it "
	  "its itself just least less let like made make many may me might more most much must "
	  "my myself neither never no nor not now of off often on once one only or other others "
	  "our ours ourselves out over own per perhaps quite rather s said same say says see "
	  "seen shall she should since so some something still such t than that the their theirs "
	  "them themselves then there these they this those though through thus to too toward "
	  "towards under until up upon us very via was we well were what whatever when where "
	  "whether which while who whom whose why will with within without would yet you your "
	  "yours yourself yourselves mr mrs ms also back new two three first last year years "
	  "told according i'm it's don't isn't wasn't can't won't didn't doesn't"
	},
	{ "ru",
	  "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где "
	  "да даже для до его ее её ей ему если есть еще ещё же за здесь и из или им их к как "
	  "какой когда кто ли либо между меня мне много может можно мой мы на над надо наш не "
	  "него нее неё нет ни них но ну о об однако он она они оно от очень по под после при "
	  "про с со так также такой там тем то тогда того тоже только том тот у уже хотя чего "
	  "чем что чтобы эта эти это этого этой этом этот я ним нем нём них этих свой своих "
	  "своей свою своим был были будет будут который которая которые которых котором "
	  "которой которого которым сейчас где-то пока через сам сама сами себя себе то есть "
	  "раз два три год года году лет также ведь вдруг вновь всё всю всем"
	},
	{ "de",
	  "aber alle allem allen aller alles als also am an andere anderen auch auf aus bei bin "
	  "bis bist da dabei dadurch daher damit dann darauf darum das dass daß dem den denen "
	  "denn der deren des dessen die dies diese diesem diesen dieser dieses doch dort du "
	  "durch ein eine einem einen einer eines einige er es etwa etwas euch euer für gegen "
	  "gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre "
	  "ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jedoch jetzt kann "
	  "kein keine keinem keinen können könnte man manche mehr mein meine mich mir mit muss "
	  "musste nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine seinem "
	  "seinen seiner sich sie sind so soll sollen sollte sondern sowie über um und uns "
	  "unser unter viel vom von vor wann war waren warum was weil weiter welche welchem "
	  "welchen welcher wenn wer werde werden wie wieder will wir wird wo wurde wurden zu "
	  "zum zur zwar zwischen bereits sagte sagt rund laut seit beim wegen"
	},
	{ "fr",
	  "a à afin ai aie alors au aucun aussi autre aux avaient avais avait avant avec avoir "
	  "bien c ça car ce cela celle celles celui ces cet cette ceux chaque ci comme comment "
	  "d dans de des donc dont du elle elles en encore est et été étaient était être eu eux "
	  "fait faire fois il ils j je jusqu l la le les leur leurs lors lui m ma mais me même "
	  "mes moi mon n ne ni nos notre nous on ont ou où par parce pas peu peut plus pour "
	  "pourquoi qu quand que quel quelle quelles quels qui s sa sans se selon ses si son "
	  "sont sous sur t ta te tes toi ton tous tout toute toutes très tu un une vos votre "
	  "vous y déjà entre depuis après avant ainsi cependant aujourd hui qu'il qu'elle "
	  "c'est n'est d'un d'une l'on"
	},
	{ "es",
	  "a al algo algunos ante antes como con contra cual cuando de del desde donde durante "
	  "e el ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado estas "
	  "este esto estos fue fueron ha había han hasta hay la las le les lo los más me mi "
	  "muy nada ni no nos o otra otros para pero poco por porque que quien se ser si sin "
	  "sobre su sus también tanto te tiene todo todos tu un una uno unos y ya yo"
	},
	{ "it",
	  "a ad al alla alle allo anche ancora che chi ci come con contro cui da dal dalla dei "
	  "del della delle dello di dove e è ed gli ha hanno i il in io la le lo loro ma mi "
	  "molto ne nei nel nella non o per più poi quale quando quello questa questo se si "
	  "sono su sua sue suo suoi sul sulla tra tutti tutto un una uno"
	},
	{ "pt",
	  "a ao aos as à com como da das de do dos e é ela ele eles em entre era essa esse "
	  "esta este eu foi foram há isso isto já mais mas me muito na nas não no nos o os "
	  "ou para pela pelo por que quando se sem ser seu seus sua suas também tem um uma"
	},
	{ "nl",
	  "aan al als bij dan dat de der deze die dit doch door dus een en er had heb hebben "
	  "heeft het hij hoe hun ik in is ja je kan kon maar me meer met mij na naar niet nog "
	  "nu of om ons ook op over te tegen toen tot u uit van veel voor want was wat we wel "
	  "werd wie wij worden zal ze zei zich zij zijn zo zou"
	},
	{ "sv",
	  "och att det som en på är av för med till den har de inte om ett han men var jag "
	  "sig från vi så kan man när år säger hon under också efter eller nu sin där vid mot "
	  "ska skulle kommer ut får finns vara hade alla andra mycket än här då sedan över bara "
	  "in blir upp även vad få två vill ha många hur mer går sina dem detta"
	},
	{ "da",
	  "og i at det er en til på som de med for af den ikke der var han har et om vi men "
	  "sig så kan jeg da fra hun også efter når skal eller nu sin blev ved mod over være "
	  "havde alle andre meget end her sådan kun ind bliver op hvad få to vil hvor mere dem "
	  "denne dette deres"
	},
	{ "no",
	  "og i det er som en på til at av for med den har de ikke om et han var men seg så "
	  "kan jeg da fra hun også etter når skal eller nå sin ble ved mot over være hadde alle "
	  "andre mye enn her bare inn blir opp hva få to vil hvor mer dem denne dette deres sier"
	},
	{ "fi",
	  "ja on ei se että oli hän ovat mutta kun myös tai jo niin kuin sen mukaan joka jotka "
	  "nyt vain sekä ole olla olisi ollut hänen heidän tämä tämän nämä ne he me te sitä "
	  "siitä siinä kanssa vielä sitten jälkeen ennen aikana koska kaikki mitä mikä"
	},
	{ "hu",
	  "a az és hogy nem is egy de van volt meg már csak mint el ki be le fel azt ez ezt "
	  "azok ezek őket ő ők mi ti vagy pedig még kell lesz lett szerint után alatt között "
	  "miatt óta ha akkor amely amelyek aki akik mert majd most itt ott"
	},
	{ "ro",
	  "și în a la de cu că pe nu o un una este sunt a fost au din pentru care ce mai sau "
	  "dar ca se să le lui ei el ea ele noi voi acest această aceste acum după până între "
	  "fără foarte doar fi fie va vor avea are iar"
	},
	{ "tr",
	  "ve bir bu da de için ile ne o çok daha gibi ama en mi mı mu mü ya olan olarak "
	  "sonra kadar göre ise şu her değil var yok diye bunu buna bunun şey ki veya hem "
	  "ancak çünkü nasıl neden ben sen biz siz onlar onun"
	},
	{ "el",
	  "και το η ο του της των τα τη την τον στο στη στην στον στα με για από που να θα "
	  "δεν είναι ήταν ένα μια σε ως ότι αλλά ή όπως αυτό αυτή αυτά αυτός επίσης μετά "
	  "πριν όταν έχει έχουν οι τις τους"
	},
	{ "id",
	  "yang dan di ke dari ini itu dengan untuk tidak ada akan pada juga dalam adalah "
	  "oleh sebagai bahwa atau karena telah sudah bisa lebih mereka kami kita ia dia saya "
	  "anda namun tetapi jika saat setelah hingga para antara seperti"
	},
	{ "ca",
	  "el la els les de del dels i a en que un una uns unes per amb no es és són va van "
	  "ha han hi ho li al als com més però o si ja també seu seva seus seves aquest aquesta "
	  "aquests aquestes entre sobre després abans fins"
	},
};

const char *const stopwords_languages[] = { "en", "ru", "de", "fr", "es", "it",
					    "pt", "nl", "sv", "da", "no", "fi",
					    "hu", "ro", "tr", "el", "id", "ca", NULL };

static struct strmap table;
/* Every listed word once (words) with, by its id, the languages of
 * stopwords_languages whose lists hold it (bit l: stopwords_languages[l]). */
static struct strmap words;
static uint32_t *word_langs;
static int words_failed; /* no memory for them: each list asked in turn */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* The index of `lang` in stopwords_languages, or -1. */
static int language_index(const char *lang)
{
	for (int i = 0; stopwords_languages[i] && i < 32; i++)
		if (!strcmp(lang, stopwords_languages[i]))
			return i;
	return -1;
}

static void build_table(void)
{
	char key[128];
	size_t cap = 0;

	strmap_init(&table);
	strmap_init(&words);
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		const char *p = lists[l].words;
		int li = language_index(lists[l].lang);
		while (*p) {
			size_t n = strcspn(p, " ");
			if (n && n < sizeof key - 4) {
				int k = snprintf(key, sizeof key, "%s:%.*s",
						 lists[l].lang, (int)n, p);
				int64_t id = strmap_intern(&words, p, n);
				strmap_intern(&table, key, (size_t)k);
				while (id >= (int64_t)cap && !words_failed) {
					size_t nc = cap ? 2 * cap : 1024;
					uint32_t *g = realloc(word_langs, nc * sizeof *g);
					if (!g)
						break;
					memset(g + cap, 0, (nc - cap) * sizeof *g);
					word_langs = g;
					cap = nc;
				}
				if (id < 0 || id >= (int64_t)cap)
					words_failed = 1; /* out of memory: the slow way */
				else if (li >= 0)
					word_langs[id] |= (uint32_t)1 << li;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
}

uint32_t stopwords_languages_of(const char *word, size_t len)
{
	int64_t id;

	pthread_once(&table_once, build_table);
	if (words_failed) {
		uint32_t langs = 0;
		for (int l = 0; stopwords_languages[l] && l < 32; l++)
			if (stopwords_contains(stopwords_languages[l], word, len))
				langs |= (uint32_t)1 << l;
		return langs;
	}
	id = strmap_find(&words, word, len);
	return id >= 0 ? word_langs[id] : 0;
}

int stopwords_contains(const char *lang, const char *word, size_t len)
{
	char key[128];
	size_t ll;

	if (!lang)
		return 0;
	if (!strcmp(lang, "nb") || !strcmp(lang, "nn"))
		lang = "no"; /* Bokmål and Nynorsk share the Norwegian list */
	ll = strlen(lang);
	if (ll + 1 + len >= sizeof key)
		return 0;
	pthread_once(&table_once, build_table);
	memcpy(key, lang, ll);
	key[ll] = ':';
	memcpy(key + ll + 1, word, len);
	return strmap_find(&table, key, ll + 1 + len) >= 0;
}

int stopwords_known(const char *lang)
{
	for (size_t i = 0; lang && stopwords_languages[i]; i++)
		if (!strcmp(lang, stopwords_languages[i]))
			return 1;
	return 0;
}
