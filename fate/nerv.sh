# Helpers for the nerv FATE tests (tests/fate/nerv.mak), sourced by a test's CMD and run by
# tests/fate-run.sh, whose helpers (ffmpeg, run, framemd5, target_path) and variables ($test,
# $outdir, $cleanfiles) they use.
#
# The coded bytes and the decoded pixels of a neural codec depend on the CPU's floating point,
# so no helper prints them: each one prints verdicts that are the same on every machine, and
# the comparisons behind them are between two results of the same run.

NERV_RAW="-f rawvideo -pix_fmt yuv420p -video_size 64x64 -framerate 25"

# Encode the raw source with the given options into FMT, decode it to raw video on stdout
# (compared with the source by CMP = stddev).
nerv_encdec(){
    nerv_src=$1
    nerv_fmt=$2
    nerv_enc_opts=$3
    nerv_dec_opts=$4
    nerv_encfile="${outdir}/${test}.${nerv_fmt}"
    cleanfiles="$cleanfiles $nerv_encfile"
    ffmpeg $NERV_RAW -i $(target_path $nerv_src) $nerv_enc_opts -f $nerv_fmt -y $(target_path $nerv_encfile) || return
    ffmpeg $nerv_dec_opts -i $(target_path $nerv_encfile) -f rawvideo -
}

# Every packet of FILE: time, duration, flags, size and an MD5 of the data.
nerv_packets(){
    run ffprobe${PROGSUF}${EXECSUF} -v error -of compact=p=0 -show_data_hash MD5 \
        -show_entries packet=pts_time,duration_time,size,flags,data_hash "$1"
}

nerv_extradata(){
    run ffprobe${PROGSUF}${EXECSUF} -v error -of compact=p=0 -show_data_hash MD5 \
        -show_entries stream=extradata_size,extradata_hash "$1"
}

# Stream copy FILE into FMT and back into .nerv: the packets and the extradata in FMT must
# be those of FILE, and the .nerv written back must be FILE byte for byte.
nerv_remux(){
    nerv_src=$(target_path $1)
    nerv_fmt=$2
    nerv_mid="${outdir}/${test}.${nerv_fmt}"
    nerv_back="${outdir}/${test}.nerv"
    nerv_pkts="${outdir}/${test}.pkts"
    cleanfiles="$cleanfiles $nerv_mid $nerv_back $nerv_pkts $nerv_pkts.src"
    ffmpeg -i $nerv_src -c copy -f $nerv_fmt -y $(target_path $nerv_mid) || return
    ffmpeg -i $(target_path $nerv_mid) -c copy -f nerv -y $(target_path $nerv_back) || return

    run ffprobe${PROGSUF}${EXECSUF} -v error -of compact=p=0 \
        -show_entries stream=codec_name,codec_tag_string $(target_path $nerv_mid) || return
    nerv_packets $nerv_src > $nerv_pkts.src || return
    nerv_packets $(target_path $nerv_mid) > $nerv_pkts || return
    if cmp -s $nerv_pkts.src $nerv_pkts; then
        echo "$nerv_fmt: $(wc -l < $nerv_pkts) packets identical to the source (time, duration, flags, size, data)"
    else
        echo "$nerv_fmt: packets differ from the source:"
        diff -u $nerv_pkts.src $nerv_pkts
    fi
    if [ "$(nerv_extradata $nerv_src)" = "$(nerv_extradata $(target_path $nerv_mid))" ]; then
        echo "$nerv_fmt: extradata identical"
    else
        echo "$nerv_fmt: extradata differs"
    fi
    if cmp -s $nerv_src $(target_path $nerv_back); then
        echo "nerv -> $nerv_fmt -> nerv: file identical"
    else
        echo "nerv -> $nerv_fmt -> nerv: file differs"
    fi
}

# For each frame number: seeking to its time (without ffmpeg's accurate seek, so the demuxer
# must land on it) must give exactly that frame of a full decode, from a key packet.
nerv_seek(){
    nerv_src=$(target_path $1)
    shift
    nerv_a="${outdir}/${test}.full"
    nerv_b="${outdir}/${test}.seek"
    cleanfiles="$cleanfiles $nerv_a $nerv_b"
    for nerv_k in "$@"; do
        nerv_t=$(awk "BEGIN { printf \"%.2f\", $nerv_k / 25 }")
        framemd5 -i $nerv_src -vf trim=start_frame=$nerv_k:end_frame=$((nerv_k + 1)) > $nerv_a || return
        framemd5 -ss $nerv_t -noaccurate_seek -copyts -i $nerv_src -frames:v 1 > $nerv_b || return
        if cmp -s $nerv_a $nerv_b; then
            echo "frame $nerv_k at ${nerv_t}s: identical to frame $nerv_k of a full decode"
        else
            echo "frame $nerv_k at ${nerv_t}s: differs from a full decode:"
            diff -u $nerv_a $nerv_b
        fi
        printf 'first packet after the seek: '
        run ffprobe${PROGSUF}${EXECSUF} -v error -of compact=p=0 -read_intervals ${nerv_t}%+#1 \
            -show_entries packet=pts,flags $nerv_src || return
    done
}

# Demuxing from a pipe (no index, no seeking) gives the packets of the file, and decodes.
nerv_pipe(){
    nerv_src=$(target_path $1)
    nerv_a="${outdir}/${test}.file"
    nerv_b="${outdir}/${test}.pipe"
    cleanfiles="$cleanfiles $nerv_a $nerv_b"
    framemd5 -i $nerv_src -c copy > $nerv_a || return
    framemd5 -f nerv -i pipe:0 -c copy < $nerv_src > $nerv_b || return
    if cmp -s $nerv_a $nerv_b; then
        echo "pipe: $(grep -c '^0,' $nerv_b) packets identical to the file's"
    else
        echo "pipe: packets differ from the file's:"
        diff -u $nerv_a $nerv_b
    fi
    echo "pipe: decoded $(ffmpeg -f nerv -i pipe:0 -f framemd5 - < $nerv_src | grep -c '^0,') frames"
}

# From a pipe (no index: damage is found by the decoder) with the model of segment 1 damaged:
# the frames of segment 0 decode as from the intact file, and those of segment 1 are dropped
# (with an error) instead of being decoded with segment 0's model.
nerv_pipe_damaged_model(){
    nerv_src=$(target_path $1)
    nerv_bad="${outdir}/${test}.nerv"
    nerv_a="${outdir}/${test}.file"
    nerv_b="${outdir}/${test}.pipe"
    nerv_err="${outdir}/${test}.err"
    cleanfiles="$cleanfiles $nerv_bad $nerv_a $nerv_b $nerv_err"
    # the key packets start segments; pkt->pos is the frame record, which follows the model
    nerv_pos=$(run ffprobe${PROGSUF}${EXECSUF} -v error -of csv=p=0 -show_entries packet=pos,flags \
               $nerv_src | grep ',K' | sed -n '2s/,.*//p')
    [ -n "$nerv_pos" ] || { echo "no second segment"; return 1; }
    cp $nerv_src $(target_path $nerv_bad) || return
    # the last payload byte of segment 1's model chunk (before its 4-byte CRC)
    printf '\377' | dd of=$(target_path $nerv_bad) bs=1 seek=$((nerv_pos - 5)) conv=notrunc 2>/dev/null || return
    framemd5 -i $nerv_src > $nerv_a || return
    framemd5 -f nerv -i pipe:0 < $(target_path $nerv_bad) > $nerv_b 2> $nerv_err
    echo "pipe, damaged model of segment 1: exit status $?"
    cat $nerv_err >&2
    nerv_n=$(grep -c '^0,' $nerv_b)
    if [ "$(grep '^0,' $nerv_b)" = "$(grep '^0,' $nerv_a | head -n $nerv_n)" ]; then
        echo "pipe, damaged model of segment 1: decoded $nerv_n frames, identical to the first $nerv_n of the intact file"
    else
        echo "pipe, damaged model of segment 1: decoded frames differ from the intact file:"
        diff -u $nerv_a $nerv_b
    fi
    echo "pipe, damaged model of segment 1: $(grep -c 'Dropping a frame of a segment whose model was damaged' $nerv_err) frames dropped"
}

# Run a program that must reject FILE: a clean failure (a non-zero exit status that is not
# 128 + a signal number: ffmpeg exits with its error code modulo 256) and an error message
# matching PATTERN.
nerv_must_fail(){
    nerv_prog=$1
    nerv_pattern=$2
    shift 2
    nerv_errtmp="${outdir}/${test}.$nerv_prog.err"
    cleanfiles="$cleanfiles $nerv_errtmp"
    case $nerv_prog in
    ffmpeg) ffmpeg "$@" -f null - 2> $nerv_errtmp ;;
    *)      run $nerv_prog${PROGSUF}${EXECSUF} "$@" 2> $nerv_errtmp ;;
    esac
    nerv_status=$?
    cat $nerv_errtmp >&2
    if [ $nerv_status -eq 0 ]; then
        echo "$nerv_prog: succeeded, a failure was expected"
    elif [ $nerv_status -gt 128 ] && [ $nerv_status -lt 160 ]; then
        echo "$nerv_prog: killed by signal $((nerv_status - 128))"
    else
        echo "$nerv_prog: failed cleanly (exit status $nerv_status)"
    fi
    if grep -q "$nerv_pattern" $nerv_errtmp; then
        echo "$nerv_prog: says '$nerv_pattern'"
    else
        echo "$nerv_prog: no message '$nerv_pattern'"
    fi
}

nerv_damaged(){
    nerv_file=$(target_path $1)
    nerv_pattern=$2
    nerv_must_fail ffmpeg  "$nerv_pattern" -i $nerv_file
    nerv_must_fail ffprobe "$nerv_pattern" -v error $nerv_file
}

# ffplay plays a valid file to the end and exits 0 (SDL's dummy video and audio drivers: no
# display needed), and exits 1 for a damaged one, both with the dummy drivers and with
# -nodisp -an (no SDL video or audio at all).
nerv_ffplay(){
    nerv_good=$(target_path $1)
    nerv_bad=$(target_path $2)
    SDL_VIDEODRIVER=dummy
    SDL_AUDIODRIVER=dummy
    export SDL_VIDEODRIVER SDL_AUDIODRIVER
    run ffplay${PROGSUF}${EXECSUF} -v error -autoexit $nerv_good
    echo "ffplay: valid file played, exit status $?"
    nerv_must_fail ffplay "corrupt .nerv file" -v error -autoexit $nerv_bad
    nerv_must_fail ffplay "corrupt .nerv file" -v error -nodisp -an -autoexit $nerv_bad
}

# The options of the encoder, decoder, demuxer and muxer as ffmpeg -h shows them.
nerv_help(){
    for nerv_what in encoder=nerv_enc decoder=nerv demuxer=nerv muxer=nerv filter=nerv_interp; do
        run ffmpeg${PROGSUF}${EXECSUF} -hide_banner -h $nerv_what || return
    done
}

# Frame timing of a framecrc listing: the header, then stream, pts, dts, duration and size of
# every frame (the CRC, which depends on the CPU, is left out).
nerv_timing(){
    awk -F', *' '/^#/ { print; next } { print $1 ", " $2 ", " $3 ", " $4 ", " $5 }' "$1"
}

# nerv_interp with OPTS on FILE: the timing of its output frames; in factor mode the frames at
# multiples of the factor must be the decoded frames (identical CRCs). Whether a rendered frame
# differs from its neighbours after rounding to 8 bits depends on how well the tiny test model
# learned its segment (segment 0 barely does), so that is checked by the API tests instead.
nerv_interp(){
    nerv_src=$(target_path $1)
    nerv_opts=$2
    nerv_factor=$3
    nerv_a="${outdir}/${test}.decoded"
    nerv_b="${outdir}/${test}.interp"
    cleanfiles="$cleanfiles $nerv_a $nerv_b"
    framecrc -i $nerv_src > $nerv_a || return
    framecrc -i $nerv_src -vf nerv_interp=$nerv_opts > $nerv_b || return
    nerv_timing $nerv_b
    [ -n "$nerv_factor" ] || return 0
    awk -F', *' -v k=$nerv_factor '
        FNR == 1 { file++ }
        /^#/ { next }
        file == 1 { decoded[n_dec++] = $6; next }
        { out[n_out++] = $6 }
        END {
            same = 0; rendered = 0
            for (i = 0; i < n_out; i++) {
                if (i % k == 0) { if (out[i] == decoded[i / k]) same++; continue }
                rendered++
            }
            printf "decoded frames kept exactly: %d of %d\n", same, n_dec
            printf "rendered frames: %d\n", rendered
        }' $nerv_a $nerv_b
}

# PSNR (dB, average over the frames) of raw 64x64 video A against B
nerv_psnr(){
    ffmpeg $NERV_RAW -i $(target_path $1) $NERV_RAW -i $(target_path $2) -lavfi psnr -f null - 2>&1 |
        sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}

# Denoising: SRC with strong white noise (noise=alls=60, new each frame: about 18 dB), encoded
# with OPTS, decoded. Verdicts only: the noisy frames are far from SRC, and the decoded frames
# are at least 2 dB closer to SRC than the noisy frames (about 5 dB on x86 when written).
nerv_denoise(){
    nerv_noisy="${outdir}/${test}.noisy.yuv"
    nerv_encfile="${outdir}/${test}.nerv"
    nerv_out="${outdir}/${test}.out.yuv"
    cleanfiles="$cleanfiles $nerv_noisy $nerv_encfile $nerv_out"
    ffmpeg $NERV_RAW -i $(target_path $1) -vf noise=alls=60:allf=t -f rawvideo -y $(target_path $nerv_noisy) || return
    ffmpeg $NERV_RAW -i $(target_path $nerv_noisy) $2 -f nerv -y $(target_path $nerv_encfile) || return
    ffmpeg -i $(target_path $nerv_encfile) -f rawvideo -y $(target_path $nerv_out) || return
    nerv_p_noisy=$(nerv_psnr $nerv_noisy $1)
    nerv_p_out=$(nerv_psnr $nerv_out $1)
    awk -v n="$nerv_p_noisy" -v o="$nerv_p_out" 'BEGIN {
        printf "noisy frames below 20 dB against the source: %s\n", (n != "" && n < 20) ? "yes" : "no (" n ")"
        printf "decoded frames at least 2 dB closer to the source: %s\n", (o != "" && o >= n + 2) ? "yes" : "no (" n " -> " o ")"
    }'
}

# Inpainting from SRC with ENC_OPTS and the -nerv-params PARAMS, to which the mask's key is
# added (a second -nerv-params would replace the first): mask=center, then the same hole as a
# user mask, a PGM image and a gray Y4M video (written here: awk draws the mask, ffmpeg wraps
# the video), must give identical packets (the encoder sees the same pixels); the decoder fills
# the holes (every frame decodes); a mask of another size than the input is refused.
nerv_inpaint(){
    nerv_src=$(target_path $1)
    nerv_enc_opts=$2
    nerv_params=$3
    nerv_pgm="${outdir}/${test}.pgm"
    nerv_gray="${outdir}/${test}.gray"
    nerv_y4m="${outdir}/${test}.y4m"
    nerv_small="${outdir}/${test}.small.pgm"
    cleanfiles="$cleanfiles $nerv_pgm $nerv_gray $nerv_y4m $nerv_small"
    for nerv_kind in center pgm y4m; do
        cleanfiles="$cleanfiles ${outdir}/${test}.$nerv_kind.nerv ${outdir}/${test}.$nerv_kind.pkts"
    done
    # the centre hole of a 64x64 frame: 16x16 at (24, 24); samples below 128 are holes
    nerv_draw='{ for (y = 0; y < h; y++) for (x = 0; x < w; x++)
                     printf "%c", (x >= 24 && x < 40 && y >= 24 && y < 40) ? 16 : 235 }'
    LC_ALL=C awk -v w=64 -v h=64 "BEGIN { printf \"P5\\n64 64\\n255\\n\"; $nerv_draw }" > $nerv_pgm
    LC_ALL=C awk -v w=64 -v h=64 "BEGIN { for (f = 0; f < 8; f++) $nerv_draw }" > $nerv_gray
    LC_ALL=C awk -v w=32 -v h=32 "BEGIN { printf \"P5\\n32 32\\n255\\n\"; $nerv_draw }" > $nerv_small
    ffmpeg -f rawvideo -pix_fmt gray -video_size 64x64 -i $(target_path $nerv_gray) \
        -f yuv4mpegpipe -y $(target_path $nerv_y4m) || return

    for nerv_kind in center pgm y4m; do
        case $nerv_kind in
        center) nerv_mask="mask=center" ;;
        pgm)    nerv_mask="mask_file=$(target_path $nerv_pgm)" ;;
        y4m)    nerv_mask="mask_file=$(target_path $nerv_y4m)" ;;
        esac
        nerv_out="${outdir}/${test}.$nerv_kind.nerv"
        ffmpeg $NERV_RAW -i $nerv_src $nerv_enc_opts -nerv-params "${nerv_params:+$nerv_params:}$nerv_mask" \
            -f nerv -y $(target_path $nerv_out) || return
        nerv_packets $(target_path $nerv_out) > "${outdir}/${test}.$nerv_kind.pkts" || return
    done
    echo "mask=center: $(wc -l < ${outdir}/${test}.center.pkts) packets"
    for nerv_kind in pgm y4m; do
        if cmp -s "${outdir}/${test}.center.pkts" "${outdir}/${test}.$nerv_kind.pkts"; then
            echo "mask_file ($nerv_kind): packets identical to mask=center"
        else
            echo "mask_file ($nerv_kind): packets differ from mask=center"
        fi
    done
    echo "decoded frames: $(ffmpeg -i $(target_path ${outdir}/${test}.center.nerv) -f framecrc - | grep -vc '^#')"
    nerv_must_fail ffmpeg "the mask is 32x32, the input frames are 64x64" $NERV_RAW -i $nerv_src $nerv_enc_opts \
        -nerv-params "${nerv_params:+$nerv_params:}mask_file=$(target_path $nerv_small)"
}

# -nerv_size on a pnerv-poly FILE (64x64): the 2x decode's frames (timing and size), the same
# again (deterministic), and 4x through nerv_interp=factor=2 (the filter's renderer draws the
# decoder's size). The 2x decode is a magnification: shrunk back (2x2 area means) it has a PSNR
# of at least 30 dB against the native decode (37.6 dB when written; the mosaic of finer tiles
# drawn before gave 17-19 dB on the API tests' model). Its quality against a real
# high-resolution video is measured by bench/sr.sh.
nerv_sr(){
    nerv_src=$(target_path $1)
    nerv_a="${outdir}/${test}.2x"
    nerv_b="${outdir}/${test}.2x.again"
    nerv_c="${outdir}/${test}.4x.interp"
    nerv_native="${outdir}/${test}.native.yuv"
    nerv_shrunk="${outdir}/${test}.2x.shrunk.yuv"
    cleanfiles="$cleanfiles $nerv_a $nerv_b $nerv_c $nerv_native $nerv_shrunk"
    framecrc -nerv_size 128x128 -i $nerv_src > $nerv_a || return
    framecrc -nerv_size 128x128 -i $nerv_src > $nerv_b || return
    nerv_timing $nerv_a
    if cmp -s $nerv_a $nerv_b; then
        echo "2x: two decodes identical"
    else
        echo "2x: two decodes differ:"
        diff -u $nerv_a $nerv_b
    fi
    framecrc -nerv_size 256x256 -i $nerv_src -vf nerv_interp=factor=2 > $nerv_c || return
    echo "4x + nerv_interp=factor=2: $(grep -c '^0,' $nerv_c) frames, $(sed -n 's/^#dimensions 0: //p' $nerv_c)"
    ffmpeg -i $nerv_src -f rawvideo -pix_fmt yuv420p -y $(target_path $nerv_native) || return
    ffmpeg -nerv_size 128x128 -i $nerv_src -vf scale=64:64:flags=area -f rawvideo -pix_fmt yuv420p \
        -y $(target_path $nerv_shrunk) || return
    nerv_p=$(nerv_psnr $nerv_shrunk $nerv_native)
    awk -v p="$nerv_p" 'BEGIN {
        printf "2x shrunk back at least 30 dB PSNR against the native decode: %s\n", (p != "" && p >= 30) ? "yes" : "no (" p ")"
    }'
}
