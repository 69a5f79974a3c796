// Typed, non-variadic wrappers over libedit's variadic el_set/el_get calls, so Swift can call them.
#ifndef VELDWERK_CEDIT_H
#define VELDWERK_CEDIT_H

#include <stdio.h>
#include <histedit.h>

typedef char *(*cedit_prompt_function)(EditLine *editor);

/// An editor on the process's standard streams.
static inline EditLine *cedit_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

static inline int cedit_set_prompt(EditLine *editor, cedit_prompt_function prompt) {
    return el_set(editor, EL_PROMPT, prompt);
}

static inline int cedit_set_editor(EditLine *editor, const char *mode) {
    return el_set(editor, EL_EDITOR, mode);
}

static inline int cedit_set_client_data(EditLine *editor, void *data) {
    return el_set(editor, EL_CLIENTDATA, data);
}

static inline void *cedit_client_data(EditLine *editor) {
    void *data = NULL;
    el_get(editor, EL_CLIENTDATA, &data);
    return data;
}

/// Binds a key sequence (in el_set's notation: "^W", "\\e[H") to an editor command ("ed-move-to-beg").
static inline int cedit_bind(EditLine *editor, const char *keys, const char *command) {
    return el_set(editor, EL_BIND, keys, command, (const char *)NULL);
}

/// Lets libedit restore the terminal on SIGINT/SIGTSTP while it reads.
static inline int cedit_set_signal(EditLine *editor, int on) {
    return el_set(editor, EL_SIGNAL, on);
}

static inline int cedit_set_history(EditLine *editor, History *history_state) {
    return el_set(editor, EL_HIST, history, history_state);
}

static inline int cedit_history_size(History *history_state, int size) {
    HistEvent event;
    return history(history_state, &event, H_SETSIZE, size);
}

static inline int cedit_history_enter(History *history_state, const char *line) {
    HistEvent event;
    return history(history_state, &event, H_ENTER, line);
}

#endif
