/*
 * nerv.h - libnerv, neural video representations (NeRV family) as a codec.
 *
 * This is the only public interface of libnerv. It is plain C99; no C++ type and
 * no C++ exception ever crosses it.
 *
 * Encoding (train a small network per segment of video, emit its bitstream):
 *
 *     NervEncoderSettings s;
 *     nerv_encoder_default_settings(&s);
 *     s.width = 1280; s.height = 720;
 *     nerv_encoder_settings_set(&s, "arch", "hnerv");     // or plain field access
 *     nerv_encoder_settings_set(&s, "size", "1.5M");
 *     NervEncoder *enc;
 *     if (nerv_encoder_open(&enc, &s) < 0) { puts(nerv_last_error()); ... }
 *     for each picture: nerv_encoder_send_frame(enc, &pic);   // -EAGAIN: drain packets first
 *     nerv_encoder_send_frame(enc, NULL);                       // flush: trains what is left
 *     NervPacket pkt;
 *     while ((ret = nerv_encoder_receive_packet(enc, &pkt)) >= 0) fwrite(pkt.data, 1, pkt.size, f);
 *     // ret == NERV_ERROR_EOF at the end; -EAGAIN only before the flush
 *     nerv_encoder_close(&enc);
 *
 * The bytes of all packets, concatenated in the order received, form a valid .nerv
 * file (docs/container-format.md).
 *
 * Decoding:
 *
 *     NervDecoderSettings ds; nerv_decoder_default_settings(&ds);
 *     NervDecoder *dec; nerv_decoder_open(&dec, &ds);
 *     nerv_decoder_send_packet(dec, data, size);     // any whole chunks: a file, or packets
 *     NervPicture pic;
 *     while (nerv_decoder_receive_frame(dec, &pic) == 0) use(pic);   // in presentation order
 *     nerv_decoder_decode_frame(dec, 17, &pic);      // random access to any frame received
 *     nerv_decoder_close(&dec);
 *
 * Errors: every function returning int returns >= 0 on success and a negative
 * errno value (-EINVAL, -ENOMEM, ...) or one of the NERV_ERROR_* codes on failure.
 * nerv_last_error() then describes what went wrong, naming the offending setting or
 * the malformed field of a stream.
 *
 * Thread safety: handles are independent; different handles may be used from
 * different threads at the same time, and each gives exactly the output it gives
 * alone (same bytes, same pixels: models are built under an internal lock because
 * their initial weights come from LibTorch's global generator; training shuffles
 * with a generator of its own). One handle must not be used from two threads at
 * once, and two encoders must not share a checkpoint file. nerv_last_error() is per
 * thread. The torch intra-op thread count (settings.threads) is applied to the
 * calling thread on every call that computes. Callbacks are invoked on the thread
 * that called into the library.
 */
#ifndef NERV_NERV_H
#define NERV_NERV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define NERV_API __attribute__((visibility("default")))
#else
#define NERV_API
#endif

#define NERV_API_VERSION_MAJOR 1
#define NERV_API_VERSION_MINOR 6
#define NERV_API_VERSION ((NERV_API_VERSION_MAJOR << 16) | NERV_API_VERSION_MINOR)

/** Library version string, e.g. "0.1.0". */
NERV_API const char *nerv_version(void);
/** NERV_API_VERSION of the library actually loaded (compare with the macro). */
NERV_API unsigned nerv_api_version(void);

/* Error codes beyond errno. Their values equal FFmpeg's AVERROR_EOF,
 * AVERROR_INVALIDDATA and AVERROR_EXIT so a wrapper may pass them through. */
#define NERV_MKTAG(a, b, c, d) ((int)((unsigned)(a) | ((unsigned)(b) << 8) | ((unsigned)(c) << 16) | ((unsigned)(d) << 24)))
#define NERV_ERROR_EOF          (-NERV_MKTAG('E', 'O', 'F', ' ')) /**< no more output */
#define NERV_ERROR_INVALIDDATA  (-NERV_MKTAG('I', 'N', 'D', 'A')) /**< malformed stream */
#define NERV_ERROR_ABORTED      (-NERV_MKTAG('E', 'X', 'I', 'T')) /**< the abort callback asked to stop */

/** Text of the last error on this thread ("" if none). Valid until the next call on this thread. */
NERV_API const char *nerv_last_error(void);
/** Short description of an error code (static string). */
NERV_API const char *nerv_error_string(int code);

/* ------------------------------------------------------------------------------ */
/* Pictures                                                                        */

typedef enum NervPixelFormat {
    NERV_PIX_FMT_NONE    = -1, /**< decoder: use the stream's source format */
    NERV_PIX_FMT_RGB24   = 0,  /**< one plane, packed R,G,B, 8 bit */
    NERV_PIX_FMT_YUV420P = 1,  /**< three planes Y, U, V; chroma halved in both directions (rounded up) */
    NERV_PIX_FMT_YUV444P = 2,  /**< three planes Y, U, V at full size */
} NervPixelFormat;

/** YCbCr matrix used to convert YUV pictures to the RGB the networks are trained on. */
typedef enum NervColorMatrix {
    NERV_MATRIX_BT601 = 0, /**< default (what FFmpeg assumes for unspecified SD/HD input) */
    NERV_MATRIX_BT709 = 1,
} NervColorMatrix;

typedef enum NervColorRange {
    NERV_RANGE_LIMITED = 0, /**< Y 16..235, chroma 16..240 (default) */
    NERV_RANGE_FULL    = 1, /**< 0..255 */
} NervColorRange;

/**
 * A picture: input to the encoder (caller-owned, read during the call only) or output
 * of the decoder (library-owned, valid until the next receive/decode call or close).
 */
typedef struct NervPicture {
    int width, height;
    NervPixelFormat format;
    NervColorMatrix matrix; /**< ignored for RGB24 */
    NervColorRange range;   /**< ignored for RGB24 */
    const uint8_t *data[3]; /**< planes; RGB24 uses data[0] only */
    ptrdiff_t stride[3];    /**< bytes per row of each plane; may be negative */
    int64_t pts;            /**< presentation time stamp, carried through unchanged */
    int64_t frame_index;    /**< decoder output: 0-based index in the stream; ignored on input */
} NervPicture;

/* ------------------------------------------------------------------------------ */
/* Callbacks                                                                       */

typedef enum NervLogLevel {
    NERV_LOG_ERROR = 0,
    NERV_LOG_WARNING = 1,
    NERV_LOG_INFO = 2,
    NERV_LOG_VERBOSE = 3,
    NERV_LOG_DEBUG = 4,
} NervLogLevel;

/** Receives one line of log text (no trailing newline). */
typedef void (*NervLogCallback)(void *user_data, NervLogLevel level, const char *message);

typedef enum NervPhase {
    NERV_PHASE_TRAIN = 0,     /**< overfitting the network */
    NERV_PHASE_FINETUNE = 1,  /**< fine-tuning after pruning */
    NERV_PHASE_COMPRESS = 2,  /**< quantization + entropy coding + final evaluation */
    NERV_PHASE_QUANTIZE = 3,  /**< (API 1.5) quantization-aware fine-tuning: the weights train through the
                                   codec's quantizer (setting "qat_epochs"); comes before COMPRESS */
} NervPhase;

typedef struct NervProgress {
    int segment;         /**< 0-based index of the segment being encoded */
    NervPhase phase;
    int epoch;           /**< epochs completed in this phase (1-based after the first) */
    int epochs;          /**< epochs of this phase */
    double loss;         /**< mean training loss of the last epoch */
    double psnr;         /**< PSNR (dB, RGB) of the training pass of the last epoch */
    double learning_rate;
    double elapsed_s;    /**< seconds since this segment started */
    double eta_s;        /**< estimated seconds left for this segment (all phases) */
} NervProgress;

typedef void (*NervProgressCallback)(void *user_data, const NervProgress *progress);

/** Polled at least once per training iteration and per decoded frame; return nonzero to abort. */
typedef int (*NervAbortCallback)(void *user_data);

typedef enum NervDevice {
    NERV_DEVICE_AUTO = 0, /**< CUDA when available, else CPU */
    NERV_DEVICE_CPU = 1,
    NERV_DEVICE_CUDA = 2,
} NervDevice;

/* ------------------------------------------------------------------------------ */
/* Encoder                                                                         */

typedef struct NervEncoder NervEncoder;

#define NERV_NAME_MAX 32
#define NERV_PARAMS_MAX 1024
#define NERV_PATH_MAX 1024

/**
 * Encoder settings. Fill with nerv_encoder_default_settings(), then change fields
 * directly or by name with nerv_encoder_settings_set() (the names below; the same
 * names are used by the nerv CLI as --name and by FFmpeg's nerv_enc as -name).
 * Zero / empty means "the architecture's paper recipe" where stated.
 */
typedef struct NervEncoderSettings {
    int width, height;         /**< "width","height": input frame size, 1..16384, required */
    int fps_num, fps_den;      /**< "fps": frame rate (e.g. "25" or "30000/1001"), default 25/1 */
    int timebase_num, timebase_den; /**< "timebase": unit of the pts you send (e.g. "1/90000"),
                                         0/0 = 1/fps (pts counts frames); stored in the stream */
    NervPixelFormat pixel_format; /**< "pix_fmt": format of the pictures sent: rgb24 (default), yuv420p, yuv444p */
    NervColorMatrix matrix;    /**< "matrix": bt601 (default) or bt709, for YUV input */
    NervColorRange range;      /**< "range": limited (default) or full, for YUV input */
    char arch[NERV_NAME_MAX];  /**< "arch": nerv, hnerv (default), enerv, dnerv, snerv, snerv-t, pnerv-pyr, pnerv-poly */
    char size[NERV_NAME_MAX];  /**< "size": parameter budget ("1.5M", "300k", "120000") or a preset
                                    (nerv: S, M, L); "" = the architecture's default */
    int epochs;                /**< "epochs": training epochs, 0 = recipe default (300), max 100000 */
    double lr;                 /**< "lr": peak learning rate, 0 = recipe default, max 1 */
    int batch_size;            /**< "batch": frames per iteration, 0 = recipe default, max 64 */
    char loss[NERV_NAME_MAX];  /**< "loss": l2, fusion6 (0.7 L1 + 0.3 (1-SSIM)) or l1, "" = recipe default.
                                    The "tune" setting "denoise" (a preset, no field of its own: it fills loss = l2 when
                                    loss is still empty, so a loss you set wins in either order) */
    double grad_clip;          /**< "grad_clip": max gradient norm, 0 = recipe default, <0 = off */
    int seed;                  /**< "seed": random seed, default 1, 0..2^31-1 */
    NervDevice device;         /**< "device": auto (default), cpu, cuda */
    int threads;               /**< "threads": torch intra-op threads, 0 = all cores (default) */
    int bf16;                  /**< "bf16": 1 = autocast to bfloat16 on CUDA (default 0) */
    int segment_frames;        /**< "segment_frames": frames per independently coded segment,
                                    0 = auto (up to 600 frames, buffer <= 2 GiB) */
    double prune;              /**< "prune": fraction of weights removed by global magnitude pruning, 0..0.95 (default 0) */
    int prune_epochs;          /**< "prune_epochs": fine-tune epochs after pruning, 0 = 10% of epochs (min 1) */
    int qbits;                 /**< "qbits": bits for decoder weights, 2..16, 0 = store float32; default 8 */
    int qbits_embed;           /**< "qbits_embed": bits for per-frame embeddings, 2..16, 0 = float32; default 6 */
    char params[NERV_PARAMS_MAX]; /**< "params": expert and architecture options "key=value:key=value"
                                       (docs/settings.md), e.g. "crop=1280x640:strides=5,4,4,2,2" */
    int memory_limit;          /**< "memory_limit": MiB the encode may plan to use on its device, 0..16777216;
                                    0 = what the device has available (default). A model (16 bytes per parameter:
                                    weights, gradients, Adam state) plus the segment's frames that need more fail
                                    with -ENOMEM and the figures before training starts */
    char checkpoint[NERV_PATH_MAX]; /**< "checkpoint": file where the encoder keeps what an interrupted encode
                                         needs to continue (docs/api.md, "Checkpoints"); "" = none (default) */
    int checkpoint_every;      /**< "checkpoint_every": epochs between checkpoints while training, 1..100000;
                                    default 10 (also saved when aborted and after every segment) */
    int resume;                /**< "resume": 1 = continue the encode saved in `checkpoint` (send the same
                                    pictures again from the start); 0 = start over (default) */
    NervLogCallback log_cb;   void *log_user;  NervLogLevel log_level; /**< default: no callback, INFO */
    NervProgressCallback progress_cb; void *progress_user;
    NervAbortCallback abort_cb; void *abort_user;
    int train_frames;          /**< "train_frames" (API 1.2): the frames the networks are trained on, numbered
                                    from 1 in the stream as the papers do: 0 = all (default), 1 = odd (the 1st,
                                    3rd, ... frame: 0-based indices 0, 2, 4, ...), 2 = even (0-based 1, 3, ...).
                                    The other frames are held out (the papers' interpolation protocol): their
                                    records get per-frame tensors interpolated from the trained neighbours, so
                                    the stream still has every frame. Not for dnerv, snerv-t, pnerv-pyr (their
                                    encoders read the neighbouring frames, which would be the held-out ones) */
    int segment_first, segment_end; /**< "segments" (API 1.4), text "A:B": code only segments A..B-1 (0-based,
                                    B exclusive, "A:" = to the end) of the input, cut into segments of segment_frames
                                    (the automatic length depends only on the picture size). Pictures before segment A are
                                    counted, not trained; those from segment B on are ignored. The stream holds
                                    those segments with their frame numbers and pts in the whole input, so parts
                                    coded by separate processes concatenate (`nerv concat`) into the stream one
                                    process writes. segment_end 0 = to the end; default 0:0 = all */
    int jobs;                  /**< "jobs" (API 1.4): segments trained at once, 1..64, each by its own worker
                                    thread; 0 = auto (1 on the CPU, one per GPU on CUDA). On the CPU the workers share
                                    the cores: with threads 0 each gets cores/jobs threads. The bytes equal those of
                                    jobs 1 with the same threads per worker. Callbacks then come from the workers,
                                    one at a time */
    int qat_epochs;            /**< "qat_epochs" (API 1.5): quantization-aware fine-tuning epochs after training
                                    (and pruning): every forward pass uses the decoder weights the stream will store
                                    (the codec's quantizer at qbits, gradients passed straight through to the float
                                    weights), so the network adapts to them; 0 = none (default), 1..100000, -1 = 10%
                                    of epochs (at least 1). Ignored when qbits is 0 (float weights) */
    int train_only;            /**< "train_only" (API 1.6): 1 = train and stop: the encoder trains the first segment it
                                    has to code (the training phase only: no pruning, quantization-aware fine-tuning
                                    or coding), keeps the trained network in `checkpoint` (required; jobs 1) and
                                    stops with NERV_ERROR_ABORTED, having coded no segment (only the stream header
                                    packet may have come out). Encodes with resume=1 and the same training settings
                                    then code that network, each with its own coding settings (prune, prune_epochs,
                                    qbits, qbits_embed, qat_epochs): one training, several streams (docs/api.md,
                                    "Checkpoints"); 0 = a whole encode (default) */
    int64_t bitrate;           /**< "bitrate" (API 1.6): target bits per second of the stream ("300k", "1.2M"); each
                                    segment's share is bitrate x frames / fps. The encoder chooses the size for it
                                    from the bits a coded value takes, and when the trained network codes above its
                                    share, prunes it (global magnitude, then prune_epochs of fine-tuning) to that
                                    share (docs/settings.md, "Bit-rate target"). 0 = off (default); not together
                                    with size or prune */
    uint8_t reserved[96];     /**< zero; room to grow without breaking the ABI */
} NervEncoderSettings;

NERV_API void nerv_encoder_default_settings(NervEncoderSettings *settings);

/**
 * Set one setting by name from text, e.g. ("epochs", "300"), ("size", "1.5M"),
 * ("device", "cuda"). Unknown names are looked up as expert params and appended to
 * settings->params. Returns -EINVAL with a message naming the setting and its valid
 * range when the value is invalid.
 */
NERV_API int nerv_encoder_settings_set(NervEncoderSettings *settings, const char *name, const char *value);

/** Description of one settable encoder option (the single table used by the CLI and FFmpeg). */
typedef struct NervOptionInfo {
    const char *name;
    const char *help;
    const char *default_value; /**< textual default ("" = recipe default) */
    const char *valid;         /**< valid range or values, as text */
} NervOptionInfo;

/** Number of entries in the option table. */
NERV_API int nerv_encoder_option_count(void);
/** Entry i (0 <= i < count), or NULL. */
NERV_API const NervOptionInfo *nerv_encoder_option(int i);

/** Validate settings and create an encoder. *out is NULL on failure. */
NERV_API int nerv_encoder_open(NervEncoder **out, const NervEncoderSettings *settings);

/**
 * Bytes of the stream header (file magic + stream header chunk): the FFmpeg
 * "extradata". Owned by the encoder, valid until close. Also the first packet.
 */
NERV_API int nerv_encoder_get_header(NervEncoder *enc, const uint8_t **data, size_t *size);

/**
 * Queue one picture (copied). pic == NULL flushes: what is buffered is trained and no
 * more pictures are accepted. Returns -EAGAIN when the current segment is full and its
 * packets must be received first (receive_packet then trains it).
 */
NERV_API int nerv_encoder_send_frame(NervEncoder *enc, const NervPicture *pic);

typedef enum NervPacketType {
    NERV_PACKET_STREAM_HEADER = 0, /**< file magic + stream header (once, first) */
    NERV_PACKET_SEGMENT = 1,       /**< a segment's model: config + weights */
    NERV_PACKET_FRAME = 2,         /**< one frame record (decodable given its segment) */
} NervPacketType;

typedef struct NervPacket {
    const uint8_t *data;   /**< owned by the encoder, valid until the next receive_packet or close */
    size_t size;
    NervPacketType type;
    int64_t pts;           /**< FRAME: the pts of the picture sent; otherwise the pts of the segment's first frame */
    int64_t frame_index;   /**< FRAME: 0-based index in the stream; SEGMENT: its first frame */
    int segment;           /**< 0-based segment index (-1 for the stream header) */
} NervPacket;

/**
 * Get the next packet. Trains a segment first when one is complete (the segment is
 * full, or the encoder was flushed): this call may then run for a long time and reports
 * through the progress callback. Returns 0 and fills *pkt, -EAGAIN if more pictures are
 * needed, NERV_ERROR_EOF after the flush when everything was returned, NERV_ERROR_ABORTED
 * if the abort callback stopped training (the encoder is then unusable).
 */
NERV_API int nerv_encoder_receive_packet(NervEncoder *enc, NervPacket *pkt);

/** Figures of the last trained segment (all -1 before the first). */
typedef struct NervEncodeStats {
    int64_t parameters;       /**< transmitted decoder parameters (incl. head), after pruning counted as stored */
    int64_t embedding_values; /**< transmitted per-frame values, all frames of the segment */
    int64_t encoder_parameters; /**< encoder-side only (not transmitted), e.g. HNeRV's ConvNeXt */
    double psnr_trained;      /**< PSNR (dB) of the float model on the segment (after qat_epochs: with the
                                   stored weights, float embeddings) */
    double psnr_final;        /**< PSNR (dB) after pruning + quantization: what the decoder outputs */
    double ssim_final;
    double train_seconds;
    int64_t segment_bytes;    /**< bytes of the segment packet + its frame packets */
    int frames;
    uint8_t reserved[64];
} NervEncodeStats;

NERV_API int nerv_encoder_get_stats(NervEncoder *enc, NervEncodeStats *stats);

/** Free the encoder and set *enc to NULL. NULL and *enc == NULL are allowed. */
NERV_API void nerv_encoder_close(NervEncoder **enc);

/* ------------------------------------------------------------------------------ */
/* Decoder                                                                         */

typedef struct NervDecoder NervDecoder;

typedef struct NervDecoderSettings {
    NervPixelFormat output_format; /**< NONE (default) = the stream's source format, or RGB24, YUV420P, YUV444P */
    NervDevice device;             /**< auto (default), cpu, cuda */
    int threads;                   /**< torch intra-op threads, 0..1024, 0 = all cores (default) */
    int memory_limit;              /**< MiB a segment's model may need (8 bytes per parameter, 64 per rendered
                                        pixel), 0..16777216; 0 = what the device has available (default).
                                        A segment that needs more fails with -ENOMEM before it is built */
    NervLogCallback log_cb;   void *log_user;  NervLogLevel log_level; /**< level: error..debug (0..4), default info */
    NervAbortCallback abort_cb; void *abort_user; /**< polled before each frame is rendered */
    int render_width, render_height; /**< API 1.3: size of the decoded pictures, 1..16384 each, both or neither;
                                          0,0 = the stream's size (default). Spatially continuous models
                                          (pnerv-poly) render their picture at this size (super-resolution);
                                          a segment of any other architecture fails to decode with -ENOTSUP
                                          unless the size is the stream's. Renderers of the decoder render at
                                          it too; the memory estimate counts its pixels */
    uint8_t reserved[120];
} NervDecoderSettings;

NERV_API void nerv_decoder_default_settings(NervDecoderSettings *settings);
NERV_API int nerv_decoder_open(NervDecoder **out, const NervDecoderSettings *settings);

/**
 * Feed stream bytes: one or more whole chunks (the stream header, a segment, frame
 * records), e.g. one packet or a whole file. The bytes are copied. Each frame record
 * queues one output frame. Returns NERV_ERROR_INVALIDDATA (and keeps its previous state)
 * on any malformed chunk.
 */
NERV_API int nerv_decoder_send_packet(NervDecoder *dec, const uint8_t *data, size_t size);

/** Next frame in the order the frame records were sent: 0, -EAGAIN if none is queued. */
NERV_API int nerv_decoder_receive_frame(NervDecoder *dec, NervPicture *out);

/**
 * Random access: decode frame `frame_index` of everything sent so far (its segment's
 * model is rebuilt when needed). -ERANGE if no such frame was sent.
 */
NERV_API int nerv_decoder_decode_frame(NervDecoder *dec, int64_t frame_index, NervPicture *out);

/**
 * Render the stream at frame position `position` (API 1.2): a stream frame index that may be
 * fractional. An integer position gives exactly what nerv_decoder_decode_frame() gives for
 * that frame; position i + w (0 < w < 1) the time w of the way from frame i to frame i + 1,
 * which both must have been received. Within a segment its network renders that time (the
 * fractional index for time-indexed models; the two frames' per-frame tensors interpolated
 * linearly for models that have them, docs/models.md says what each architecture does);
 * across a segment boundary the two frames are blended with weights 1 - w and w. out->pts is
 * the neighbours' pts interpolated and rounded, out->frame_index is i. -EINVAL for a NaN or
 * infinite position, -ERANGE for one outside the received frames. Output as decode_frame().
 */
NERV_API int nerv_decoder_decode_position(NervDecoder *dec, double position, NervPicture *out);

/** Drop queued output frames (after a seek); received streams stay available. */
NERV_API void nerv_decoder_flush(NervDecoder *dec);

NERV_API void nerv_decoder_close(NervDecoder **dec);

/* ------------------------------------------------------------------------------ */
/* Renderers: the decoder's stream, rendered at any position from another thread   */

/**
 * A reference-counted handle on everything a decoder has received, rendering it at any
 * frame position (API 1.2). It is what a host hands to code that renders the stream at
 * other times while the decoder goes on (FFmpeg's nerv decoder attaches one to every
 * frame for the nerv_interp filter). It sees the frames the decoder receives after it was
 * created, and stays valid after the decoder is closed, until its last reference is
 * released. Every function below may be called from any thread at any time, also at once;
 * renders of one renderer run one after the other. A renderer builds its own segment models
 * (at most two at a time), so it needs model memory of its own beside the decoder's; it
 * uses the decoder's device, threads and memory_limit, and does not log (the decoder's log
 * callback may not outlive the decoder): errors are its return codes and nerv_last_error().
 */
typedef struct NervRenderer NervRenderer;

/** A new renderer of `dec`'s stream, with one reference held by the caller. */
NERV_API int nerv_decoder_get_renderer(NervDecoder *dec, NervRenderer **out);
/** Take one more reference; returns `renderer`. */
NERV_API NervRenderer *nerv_renderer_ref(NervRenderer *renderer);
/** Release one reference and set *renderer to NULL; the last one frees it. NULL is allowed. */
NERV_API void nerv_renderer_unref(NervRenderer **renderer);

/** Caller-owned planes a renderer writes a picture into. */
typedef struct NervRenderTarget {
    int width, height;         /**< must equal the decoder's picture size (its render size, API 1.3) */
    NervPixelFormat format;    /**< RGB24, YUV420P or YUV444P (YUV in the stream's matrix and range),
                                    NONE = the stream's source format */
    uint8_t *data[3];          /**< writable planes (RGB24: data[0] only) */
    ptrdiff_t stride[3];       /**< bytes per row of each plane; may be negative */
} NervRenderTarget;

/**
 * Render frame position `position` (as nerv_decoder_decode_position(): an integer gives
 * exactly the decoded frame) into `target`. `pts`, when not NULL, receives the position's
 * pts in the stream time base. Same errors as nerv_decoder_decode_position(), and -EINVAL
 * for a target of another size or format.
 */
NERV_API int nerv_renderer_render(NervRenderer *renderer, double position, const NervRenderTarget *target,
                                  int64_t *pts);

/**
 * What FFmpeg's nerv decoder attaches to each frame it outputs, as the data of a frame side
 * data entry (AV_FRAME_DATA_NERV_SOURCE): which renderer made the frame (a reference the
 * side data buffer holds and releases when it is freed) and the frame's index in the stream.
 */
typedef struct NervFrameSource {
    NervRenderer *renderer;
    int64_t frame_index;
} NervFrameSource;

/* ------------------------------------------------------------------------------ */
/* Stream information without building a model                                     */

typedef struct NervStreamInfo {
    int width, height;         /**< decoded picture size */
    int fps_num, fps_den;
    int timebase_num, timebase_den; /**< unit of the frames' pts */
    NervPixelFormat source_format;
    NervColorMatrix matrix;
    NervColorRange range;
    char arch[NERV_NAME_MAX];  /**< architecture of the first segment */
    int64_t frames;            /**< frame records found (whole chunks only) */
    int segments;              /**< segment chunks found */
    int64_t parameters;        /**< transmitted decoder parameters, summed over segments */
    int64_t bytes;             /**< bytes of whole, valid chunks (incl. header) */
    double bpp;                /**< 8 * bytes / (width * height * frames); 0 if no frames */
    int truncated;             /**< 1 if the data ended inside a chunk */
    int64_t first_frame;       /**< API 1.4: stream index of the first segment's first frame (0 unless the stream
                                    is a part coded with the "segments" setting) */
    uint8_t reserved[56];
} NervStreamInfo;

/**
 * Read stream information from the start of a stream (a whole file, or a prefix of
 * it). Needs at least the stream header; scans chunk headers and checks CRCs.
 */
NERV_API int nerv_probe(const uint8_t *data, size_t size, NervStreamInfo *info);

typedef struct NervSegmentInfo {
    int index;              /**< 0-based */
    int64_t first_frame;
    int frames;             /**< frames of the segment (records present may be fewer if truncated) */
    const char *arch;
    int64_t parameters;     /**< stored tensor elements */
    int64_t bytes;          /**< of the segment chunk */
    const char *metadata;   /**< all metadata as "key = value" lines */
} NervSegmentInfo;

typedef void (*NervSegmentCallback)(void *user_data, const NervSegmentInfo *segment);

/** Like nerv_probe, and calls `cb` for every segment found (strings valid during the call). */
NERV_API int nerv_probe_segments(const uint8_t *data, size_t size, NervStreamInfo *info, NervSegmentCallback cb,
                                 void *user_data);

/** Receives output bytes; return 0, or a negative error code to stop. */
typedef int (*NervWriteCallback)(void *user_data, const uint8_t *data, size_t size);

/**
 * Join the parts of one video, streams coded with the "segments" setting, into one stream
 * (API 1.4). The parts must come in frame order, describe the same video (picture size,
 * rate, pixel format, architecture, the encoder settings in the stream header) and follow
 * each other without a gap or an overlap; each must be whole. The result, handed to `write`
 * in pieces, is the first part's stream header followed by every part's segments and frames
 * unchanged: the stream one encoder writes for the whole range. Nothing is written unless
 * every check passed (-EINVAL naming the parts and what differs, NERV_ERROR_INVALIDDATA for a
 * damaged or truncated part); a write error is returned as is.
 */
NERV_API int nerv_concat_streams(const uint8_t *const *parts, const size_t *sizes, const char *const *names,
                                 int count, NervWriteCallback write, void *user_data);

/* ------------------------------------------------------------------------------ */
/* Architectures                                                                   */

/** Number of registered architectures. */
NERV_API int nerv_arch_count(void);
/** Name of architecture i ("nerv", "hnerv", ...), or NULL. */
NERV_API const char *nerv_arch_name(int i);
/** One-line description of architecture i, or NULL. */
NERV_API const char *nerv_arch_description(int i);

typedef struct NervLayerInfo {
    const char *name;     /**< module name, equal to its tensor-name prefix in the container */
    const char *op;       /**< what it computes */
    const char *output;   /**< output shape, e.g. "[B,68,2,4]" */
    int64_t parameters;
    int transmitted;      /**< 1: decoder side (stored), 0: encoder side (not stored) */
} NervLayerInfo;

typedef void (*NervLayerCallback)(void *user_data, const NervLayerInfo *layer);

typedef struct NervArchInfo {
    int64_t decoder_parameters;   /**< decoder-side network parameters incl. the head, counted as the
                                       reference implementation counts them */
    int64_t head_parameters;      /**< of which the output head */
    int64_t fixed_parameters;     /**< of which fixed values the decoder rebuilds from the config
                                       (not stored; e.g. E-NeRV's coordinate grid) */
    int64_t embedding_values;     /**< transmitted per-frame values for all `frames` */
    int64_t encoder_parameters;   /**< not transmitted */
    int canvas_width, canvas_height; /**< size the network renders (>= the coded size) */
    int coded_width, coded_height;   /**< size after an optional crop */
    char summary[256];            /**< resolved key hyper-parameters, e.g. "fc_dim=68 strides=5,4,4,2,2" */
    uint8_t reserved[64];
} NervArchInfo;

/**
 * Resolve the architecture the settings describe for a segment of `frames` frames
 * (size budget solved, widths rounded as the reference does), report each layer
 * through layer_cb (may be NULL) and the totals in *info. Builds no weights.
 */
NERV_API int nerv_arch_describe(const NervEncoderSettings *settings, int frames, NervArchInfo *info,
                                NervLayerCallback layer_cb, void *user_data);

/* ------------------------------------------------------------------------------ */
/* Metrics                                                                         */

typedef struct NervMetrics {
    double psnr;     /**< dB, RGB in [0,1]; 100 if identical */
    double ssim;     /**< pytorch_msssim defaults: 11-tap Gaussian, sigma 1.5, K1 0.01, K2 0.03 */
    double ms_ssim;  /**< 5 scales; -1 when the smaller side is <= 160 */
    double mse;
} NervMetrics;

/** Compare two pictures of equal size (any formats; YUV is converted to RGB first). */
NERV_API int nerv_compare_pictures(const NervPicture *a, const NervPicture *b, NervMetrics *out);

#ifdef __cplusplus
}
#endif

#endif /* NERV_NERV_H */
