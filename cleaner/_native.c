/* What cleaner.features spends most of its time on, in C: the text part of a batch of lines'
 * hashed features (text_part) and the counts a line's shape is made of (line_counts); and the
 * walk of the sequence stage's trees (forest_log_odds, cleaner.sequence.Forest has NumPy's).
 *
 * cleaner.features computes the same in Python (CachedFeaturizer._text_part_in_python,
 * _line_counts) wherever this module was not built; tests/test_native.py holds the two to the
 * same bytes. Words are what Python's re finds with \w+ (Py_UNICODE_ISALNUM or "_") once each
 * decimal digit (\d, Py_UNICODE_ISDECIMAL) is folded to "0", and the character classes are
 * str.isspace, isalpha, isupper and isdigit: the interpreter's own Unicode database, so the
 * same answers. A token's index is the CRC32 (zlib's) of its UTF-8 bytes modulo the number of
 * features, continued from the CRC32 of its prefix, as in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static uint32_t crc_table[256];

static void make_crc_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib.crc32(data, start) */
static uint32_t crc32_from(uint32_t start, const unsigned char *data, Py_ssize_t len) {
    uint32_t c = ~start;
    for (Py_ssize_t i = 0; i < len; i++)
        c = crc_table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return ~c;
}

static int utf8_put(Py_UCS4 ch, unsigned char *out) {
    if (ch < 0x80) { out[0] = (unsigned char)ch; return 1; }
    if (ch < 0x800) {
        out[0] = (unsigned char)(0xC0 | (ch >> 6));
        out[1] = (unsigned char)(0x80 | (ch & 0x3F));
        return 2;
    }
    if (ch < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (ch >> 12));
        out[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (ch & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (ch >> 18));
    out[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (ch & 0x3F));
    return 4;
}

typedef struct {
    uint32_t *data;
    Py_ssize_t len, cap;
} Buffer;

static int push(Buffer *b, uint32_t value) {
    if (b->len == b->cap) {
        Py_ssize_t cap = b->cap ? 2 * b->cap : 4096;
        uint32_t *grown = PyMem_Realloc(b->data, cap * sizeof(uint32_t));
        if (!grown) { PyErr_NoMemory(); return -1; }
        b->data = grown;
        b->cap = cap;
    }
    b->data[b->len++] = value;
    return 0;
}

/* A line's words: where each starts in the line's folded code points and UTF-8 bytes. */
typedef struct {
    Py_UCS4 *cps;          /* the words' code points, end to end */
    unsigned char *bytes;  /* their UTF-8 bytes, end to end */
    Py_ssize_t *cp_at, *byte_at;  /* word i: cps[cp_at[i]:cp_at[i+1]], bytes likewise */
} Words;

/* \w and \d of Python's re; ASCII answered without the Unicode database */
static inline int is_word(Py_UCS4 ch) {
    if (ch < 128)
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
               || ch == '_';
    return Py_UNICODE_ISALNUM(ch);
}

static inline int is_decimal(Py_UCS4 ch) {
    return ch < 128 ? ch >= '0' && ch <= '9' : Py_UNICODE_ISDECIMAL(ch);
}

/* text_part(lowered, n_features, max_words) -> (indices, counts), both bytes of uint32. ``lowered`` is the batch's lines joined by "\n" and lower-cased; a line's indices are
 * its words', its word pairs', its first and last word's (or "nowords"), then its words'
 * character trigrams', as features.text_tokens orders them; counts holds how many a line has.
 */
static PyObject *text_part(PyObject *self, PyObject *args) {
    PyObject *text;
    unsigned long n_features;
    Py_ssize_t max_words;
    if (!PyArg_ParseTuple(args, "Ukn", &text, &n_features, &max_words))
        return NULL;
    if (n_features == 0 || n_features > 0xFFFFFFFFul || max_words < 0) {
        PyErr_SetString(PyExc_ValueError, "n_features must be in 1..2**32-1, max_words >= 0");
        return NULL;
    }
    const uint32_t n = (uint32_t)n_features;
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t length = PyUnicode_GET_LENGTH(text);

    const uint32_t w_start = crc32_from(0, (const unsigned char *)"w:", 2);
    const uint32_t b_start = crc32_from(0, (const unsigned char *)"b:", 2);
    const uint32_t c_start = crc32_from(0, (const unsigned char *)"c:", 2);
    const uint32_t first_start = crc32_from(0, (const unsigned char *)"first:", 6);
    const uint32_t last_start = crc32_from(0, (const unsigned char *)"last:", 5);
    const uint32_t nowords = crc32_from(0, (const unsigned char *)"nowords", 7) % n;

    /* A line's words never hold more code points than the text, nor more than max_words
     * words; sized once for the longest line. */
    Py_ssize_t longest = 0, run = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        run = PyUnicode_READ(kind, data, i) == '\n' ? 0 : run + 1;
        if (run > longest) longest = run;
    }
    Words w = {0};
    Buffer out = {0}, counts = {0};
    PyObject *result = NULL;
    Py_ssize_t max_cps = longest + 2;
    w.cps = PyMem_Malloc(max_cps * sizeof(Py_UCS4));
    w.bytes = PyMem_Malloc(4 * max_cps);
    w.cp_at = PyMem_Malloc((max_words + 2) * sizeof(Py_ssize_t));
    w.byte_at = PyMem_Malloc((max_words + 2) * sizeof(Py_ssize_t));
    Buffer pair_starts = {0};
    if (!w.cps || !w.bytes || !w.cp_at || !w.byte_at) { PyErr_NoMemory(); goto done; }

    Py_ssize_t i = 0;
    for (;;) {  /* one line */
        Py_ssize_t n_words = 0, n_cps = 0, n_bytes = 0;
        w.cp_at[0] = w.byte_at[0] = 0;
        int in_word = 0;
        for (; i < length; i++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (ch == '\n') break;
            if (!is_word(ch)) {
                if (in_word) {
                    n_words++;
                    w.cp_at[n_words] = n_cps;
                    w.byte_at[n_words] = n_bytes;
                    in_word = 0;
                }
                continue;
            }
            if (n_words == max_words) continue;
            in_word = 1;
            if (is_decimal(ch)) ch = '0';
            w.cps[n_cps++] = ch;
            n_bytes += utf8_put(ch, w.bytes + n_bytes);
        }
        if (in_word) {
            n_words++;
            w.cp_at[n_words] = n_cps;
            w.byte_at[n_words] = n_bytes;
        }
        Py_ssize_t before = out.len;
        /* own tokens, and each word's "b:<word> " CRC for the pair it starts */
        pair_starts.len = 0;
        for (Py_ssize_t k = 0; k < n_words; k++) {
            const unsigned char *bytes = w.bytes + w.byte_at[k];
            Py_ssize_t size = w.byte_at[k + 1] - w.byte_at[k];
            if (push(&out, crc32_from(w_start, bytes, size) % n) < 0) goto done;
            uint32_t head = crc32_from(b_start, bytes, size);
            if (push(&pair_starts, crc32_from(head, (const unsigned char *)" ", 1)) < 0)
                goto done;
        }
        for (Py_ssize_t k = 0; k + 1 < n_words; k++) {
            const unsigned char *bytes = w.bytes + w.byte_at[k + 1];
            Py_ssize_t size = w.byte_at[k + 2] - w.byte_at[k + 1];
            if (push(&out, crc32_from(pair_starts.data[k], bytes, size) % n) < 0) goto done;
        }
        if (n_words) {
            Py_ssize_t last = n_words - 1;
            if (push(&out, crc32_from(first_start, w.bytes, w.byte_at[1]) % n) < 0 ||
                push(&out, crc32_from(last_start, w.bytes + w.byte_at[last],
                                      w.byte_at[n_words] - w.byte_at[last]) % n) < 0)
                goto done;
        } else if (push(&out, nowords) < 0) {
            goto done;
        }
        /* trigrams of "<word>", by code points */
        for (Py_ssize_t k = 0; k < n_words; k++) {
            Py_ssize_t a = w.cp_at[k], size = w.cp_at[k + 1] - a;
            for (Py_ssize_t j = 0; j < size; j++) {  /* padded[j:j+3] */
                unsigned char gram[12];
                int len = 0;
                for (Py_ssize_t p = j; p < j + 3; p++) {
                    Py_UCS4 ch = p == 0 ? '<' : p == size + 1 ? '>' : w.cps[a + p - 1];
                    len += utf8_put(ch, gram + len);
                }
                if (push(&out, crc32_from(c_start, gram, len) % n) < 0) goto done;
            }
        }
        if (push(&counts, (uint32_t)(out.len - before)) < 0) goto done;
        if (i >= length) break;
        i++;  /* past the line break */
    }
    result = Py_BuildValue("(y#y#)", (const char *)out.data, out.len * sizeof(uint32_t),
                           (const char *)counts.data, counts.len * sizeof(uint32_t));
done:
    PyMem_Free(w.cps);
    PyMem_Free(w.bytes);
    PyMem_Free(w.cp_at);
    PyMem_Free(w.byte_at);
    PyMem_Free(out.data);
    PyMem_Free(counts.data);
    PyMem_Free(pair_starts.data);
    return result;
}

/* line_counts(joined) -> bytes of int32, COUNTS (10) a line: the counts features.shapes
 * makes a line's shape of, for each line of the "\n"-joined text. As str.split, str.strip,
 * str.isspace, isalpha, isupper and isdigit count them. */
enum { WORDS, LETTERS, UPPER_LETTERS, DIGITS, TITLED, LENGTH, FIRST, LAST, PIPE, INDENT,
       COUNTS };

static PyObject *line_counts(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t n_lines = 1;
    for (Py_ssize_t i = 0; i < length; i++)
        n_lines += PyUnicode_READ(kind, data, i) == '\n';
    PyObject *result = PyBytes_FromStringAndSize(NULL, n_lines * COUNTS * sizeof(int32_t));
    if (!result)
        return NULL;
    int32_t *row = (int32_t *)PyBytes_AS_STRING(result);
    memset(row, 0, n_lines * COUNTS * sizeof(int32_t));
    Py_ssize_t start = 0, first = -1, last = -1;
    int after_space = 1;
    for (Py_ssize_t i = 0; i <= length; i++) {
        Py_UCS4 ch = i < length ? PyUnicode_READ(kind, data, i) : '\n';
        if (ch == '\n') {
            row[LENGTH] = first < 0 ? 0 : (int32_t)(last - first + 1);
            row[FIRST] = first < 0 ? 0 : (int32_t)PyUnicode_READ(kind, data, first);
            row[LAST] = first < 0 ? 0 : (int32_t)PyUnicode_READ(kind, data, last);
            row += COUNTS;
            start = i + 1;
            first = last = -1;
            after_space = 1;
            continue;
        }
        int space = Py_UNICODE_ISSPACE(ch);
        int upper = ch < 128 ? ch >= 'A' && ch <= 'Z' : Py_UNICODE_ISUPPER(ch);
        if (i == start)
            row[INDENT] = space;
        if (!space) {
            if (first < 0)
                first = i;
            last = i;
            if (after_space) {
                row[WORDS]++;
                row[TITLED] += upper;
            }
        }
        after_space = space;
        if (ch < 128) {
            int alpha = (ch >= 'a' && ch <= 'z') || upper;
            row[LETTERS] += alpha;
            row[UPPER_LETTERS] += upper;
            row[DIGITS] += ch >= '0' && ch <= '9';
            row[PIPE] += ch == '|';
        } else {
            int alpha = Py_UNICODE_ISALPHA(ch);
            row[LETTERS] += alpha;
            row[UPPER_LETTERS] += alpha && upper;
            row[DIGITS] += Py_UNICODE_ISDIGIT(ch);
        }
    }
    return result;
}

/* forest_log_odds(x, feature, threshold, missing_left, left, right, value, base) -> float64
 * bytes, one a row of x: base plus each tree's leaf value, added tree after tree (the order
 * cleaner.sequence.Forest.log_odds adds them in NumPy). x: float64 rows of n_columns; the
 * trees: one row a tree, one column a node (int32 feature, -1 at a leaf; float64 threshold;
 * uint8 missing_left; int32 left and right; float64 value). */
#define FOREST_BLOCK_ROWS 256  /* 256 rows of 116 features: 232 KB */

static PyObject *forest_log_odds(PyObject *self, PyObject *args) {
    Py_buffer x, feature, threshold, missing, left, right, value;
    Py_ssize_t n_columns, width;
    double base;
    if (!PyArg_ParseTuple(args, "y*ny*y*y*y*y*y*nd", &x, &n_columns, &feature, &threshold,
                          &missing, &left, &right, &value, &width, &base))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n_rows = n_columns > 0 ? x.len / (Py_ssize_t)sizeof(double) / n_columns : 0;
    Py_ssize_t n_trees = width > 0 ? feature.len / (Py_ssize_t)sizeof(int32_t) / width : 0;
    if (n_columns <= 0 || width <= 0
            || threshold.len != feature.len * 2 || value.len != feature.len * 2
            || missing.len * 4 != feature.len || left.len != feature.len
            || right.len != feature.len) {
        PyErr_SetString(PyExc_ValueError, "forest_log_odds: arrays of mismatched sizes");
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, n_rows * (Py_ssize_t)sizeof(double));
    if (result == NULL)
        goto done;
    const double *xs = x.buf, *thr = threshold.buf, *val = value.buf;
    const int32_t *feat = feature.buf, *lft = left.buf, *rgt = right.buf;
    const uint8_t *miss = missing.buf;
    double *out = (double *)PyBytes_AS_STRING(result);
    /* Tree after tree over a block of rows at a time: the block's rows and a tree's nodes
     * stay in cache (walking every tree over all rows streamed the whole of x from memory once
     * a tree), and each row still adds its leaf values in tree order. */
    for (Py_ssize_t r = 0; r < n_rows; r++)
        out[r] = base;
    for (Py_ssize_t block = 0; block < n_rows; block += FOREST_BLOCK_ROWS)
    for (Py_ssize_t t = 0; t < n_trees; t++) {
        Py_ssize_t at = t * width;
        Py_ssize_t end = block + FOREST_BLOCK_ROWS < n_rows ? block + FOREST_BLOCK_ROWS : n_rows;
        for (Py_ssize_t r = block; r < end; r++) {
            const double *row = xs + r * n_columns;
            Py_ssize_t node = 0;
            for (Py_ssize_t step = 0; step < width; step++) {
                int32_t f = feat[at + node];
                if (f < 0 || f >= n_columns)
                    break;
                double v = row[f];
                int go_left = v != v ? miss[at + node] : v <= thr[at + node];
                int32_t next = go_left ? lft[at + node] : rgt[at + node];
                if (next < 0 || next >= width)  /* never in a checked Forest */
                    break;
                node = next;
            }
            out[r] += val[at + node];
        }
    }
done:
    PyBuffer_Release(&x); PyBuffer_Release(&feature); PyBuffer_Release(&threshold);
    PyBuffer_Release(&missing); PyBuffer_Release(&left); PyBuffer_Release(&right);
    PyBuffer_Release(&value);
    return result;
}

static PyMethodDef methods[] = {
    {"text_part", text_part, METH_VARARGS,
     "text_part(lowered, n_features, max_words) -> (uint32 indices, uint32 counts per line)"},
    {"line_counts", line_counts, METH_VARARGS,
     "line_counts(joined) -> int32 counts, 10 a line, of what a line's shape is made of"},
    {"forest_log_odds", forest_log_odds, METH_VARARGS,
     "forest_log_odds(x, n_columns, feature, threshold, missing_left, left, right, value, "
     "width, base) -> float64 log-odds, one a row"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "cleaner._native",
    "The text part of lines' hashed features in C (cleaner.features has the Python original).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    make_crc_table();
    return PyModule_Create(&module);
}
