"use strict";
// The admin fills a slug from the title as it is typed. Django's own URLify spells "Øresund"
// as "oresund"; the server (common/slugs.py: slugify_da) writes "oeresund". This replaces
// URLify with a port of the server's rule, so the browser and the server agree:
// æ -> ae, ø -> oe, å -> aa (capitals too), then Django's slugify.
{
    const DANISH = {æ: "ae", Æ: "Ae", ø: "oe", Ø: "Oe", å: "aa", Å: "Aa"};
    const djangoURLify = window.URLify;

    function slugifyDa(text, maxLength) {
        let slug = String(text).replace(/[æÆøØåÅ]/g, (letter) => DANISH[letter]);
        // unicodedata.normalize("NFKD", ...).encode("ascii", "ignore")
        slug = slug.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
        slug = slug.toLowerCase().replace(/[^\w\s-]/g, "");
        slug = slug.replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
        // common.slugs.unique_slug: cut to the field's length, no dangling hyphen.
        return slug.substring(0, maxLength).replace(/^-+|-+$/g, "");
    }

    window.URLify = function (text, maxLength, allowUnicode) {
        if (allowUnicode && djangoURLify) {
            return djangoURLify(text, maxLength, allowUnicode);
        }
        return slugifyDa(text, maxLength);
    };
}
