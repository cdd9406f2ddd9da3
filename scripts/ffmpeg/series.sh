# Reading patches/ffmpeg-7.1.5/series (sourced by make-patches.sh and build.sh).
#
# series_load ROOT: fills the arrays
#   series_names[i]     patch file name without .patch
#   series_subjects[i]  subject line
#   series_edits[i]     FFmpeg files the patch edits (space separated)
#   series_sources[i]   CANONICAL:DESTINATION specs of the new files (space separated)
# series_new_files ROOT I: prints "CANONICAL DESTINATION" for every new file of patch I
# (a folder stands for its files, README* excepted).

FFMPEG_VERSION=7.1.5
SERIES_DIR_REL=patches/ffmpeg-$FFMPEG_VERSION

series_trim() {
    local v=$1
    v=${v#"${v%%[![:space:]]*}"}
    printf '%s' "${v%"${v##*[![:space:]]}"}"
}

series_load() {
    local root=$1 line name subject edit src
    series_names=() series_subjects=() series_edits=() series_sources=()
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%%#*}
        [ -n "${line//[[:space:]]/}" ] || continue
        IFS='|' read -r name subject edit src <<<"$line"
        series_names+=("$(series_trim "$name")")
        series_subjects+=("$(series_trim "$subject")")
        series_edits+=("$(series_trim "$edit")")
        series_sources+=("$(series_trim "${src:-}")")
    done <"$root/$SERIES_DIR_REL/series"
    [ ${#series_names[@]} -gt 0 ] || { echo "series: $root/$SERIES_DIR_REL/series lists no patch" >&2; return 1; }
}

series_new_files() {
    local root=$1 i=$2 spec src dest f
    for spec in ${series_sources[$i]}; do
        src=${spec%%:*} dest=${spec#*:}
        if [ -d "$root/$src" ]; then
            for f in "$root/$src"/*; do
                [ -f "$f" ] || continue
                case ${f##*/} in README*) continue ;; esac
                echo "$src/${f##*/} $dest/${f##*/}"
            done
        elif [ -f "$root/$src" ]; then
            echo "$src $dest"
        else
            echo "series: ${series_names[$i]}: canonical source $src does not exist" >&2
            return 1
        fi
    done
}
