//! Import policy for pickle globals: denylist first (with parent-module inheritance), then the
//! allowlist of globals that legitimate checkpoints use, then heuristics; anything else is unknown.
//!
//! The tables are our own data: module and function names are facts gathered from the known
//! scanners' lists (their union, see docs/scan.md) and from real PyTorch, NumPy, scikit-learn,
//! XGBoost and transformers checkpoints.

/// How a global is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Known-safe: appears in legitimate checkpoints and has no side effects.
    Allowed,
    /// On the denylist (exact module/name or an inherited parent module).
    Denied,
    /// Not listed, but a dotted component names a dangerous module or function.
    DeniedHeuristic,
    /// A module or name component is a dunder (`__builtins__`, `__globals__` ...).
    Dunder,
    /// Neither listed nor caught by heuristics.
    Unknown,
}

/// Whole modules (and their submodules) that are dangerous to import from.
#[rustfmt::skip]
const DENY_MODULES: &[&str] = &[
    "__builtin__", "__builtins__", "_aix_support", "_ctypes", "_frozen_importlib",
    "_frozen_importlib_external", "_imp", "_operator", "_osx_support", "_pickle",
    "_posixsubprocess", "_pyrepl", "_signal", "_sqlite3", "_thread", "aiohttp", "asyncio", "atexit",
    "bdb", "builtins", "cloudpickle", "code", "codeop", "commands", "compileall", "cProfile",
    "ctypes", "difflib", "dill", "distutils", "doctest", "ensurepip", "filecmp", "fileinput",
    "ftplib", "functools", "gc", "glob", "http", "httplib", "idlelib", "imaplib", "importlib",
    "inspect", "joblib", "lib2to3", "linecache", "logging", "marshal", "mmap", "multiprocessing",
    "nntplib", "nt", "numpy.distutils", "numpy.f2py", "numpy.testing._private.utils", "operator",
    "os", "pdb", "pexpect", "pickle", "pip", "pkgutil", "platform", "poplib", "posix", "profile",
    "pty", "py_compile", "pydoc", "requests", "runpy", "select", "selectors", "shelve", "shutil",
    "signal", "site", "smtplib", "socket", "socketserver", "sqlite3", "ssl", "subprocess", "sys",
    "syslog", "tarfile", "telnetlib", "tempfile", "test", "threading", "timeit", "torch._dynamo",
    "torch._inductor", "torch.hub", "torch.jit", "torch.utils.collect_env",
    "torch.utils.bottleneck", "trace", "types", "unittest", "urllib", "urllib2", "uuid", "venv",
    "webbrowser", "xmlrpc", "zipfile", "zipimport", "_io", "io", "mlflow.projects",
    "keras.src.saving", "dbm", "zlib", "bz2", "lzma", "gzip", "ntpath", "posixpath", "genericpath",
    "xml.dom.pulldom", "pandas.io", "torch.utils.cpp_extension", "torch.package", "torch.ops",
    "fickling", "picklescan", "modelscan", "model_unpickler", "saferpickle", "modelaudit",
    // Scanner deactivation: a pickle that imports a scanner is tampering with it.
];

/// Specific dangerous names in otherwise ordinary modules (`module`, `name`).
#[rustfmt::skip]
const DENY_NAMES: &[(&str, &str)] = &[
    ("torch", "load"), ("torch", "compile"), ("torch", "save"), ("torch", "from_file"),
    ("torch.serialization", "load"), ("torch.serialization", "_load"),
    ("torch.storage", "_load_from_bytes"), ("torch.utils._config_module", "ConfigModule"),
    ("torch.distributed.rpc", "RemoteModule"), ("torch.distributed.rpc", "remote"),
    ("torch.distributed.rpc", "rpc_async"), ("torch.distributed.rpc", "rpc_sync"),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv"),
    ("torch.utils.data.datapipes.utils.decoder", "basichandlers"), ("numpy", "load"),
    ("numpy", "loadtxt"), ("numpy", "fromfile"), ("numpy", "save"), ("numpy.lib.npyio", "load"),
    ("numpy", "__builtins__"), ("numpy.core._internal", "sys"), ("numpy._core._internal", "sys"),
    ("pandas", "read_csv"), ("pandas", "read_pickle"), ("pandas", "read_json"),
    ("pandas", "read_html"), ("pandas", "read_table"), ("pandas", "read_excel"),
    ("pandas", "read_sql"), ("pandas", "read_xml"), ("pandas", "read_parquet"),
    ("pandas", "read_feather"), ("pandas", "eval"), ("pandas.core.computation.eval", "eval"),
    ("keras.models", "load_model"), ("tensorflow.io", "read_file"), ("tensorflow.io", "write_file"),
];

/// Exceptions to the denylist: side-effect-free types and data wrappers that real checkpoints
/// import from denied modules. Exact `module`, `name` pairs only.
#[rustfmt::skip]
const DENY_EXCEPTIONS: &[(&str, &[&str])] = &[
    ("builtins", SAFE_BUILTINS),
    ("__builtin__", SAFE_BUILTINS),
    ("joblib.numpy_pickle", &["NumpyArrayWrapper"]),
    ("joblib.numpy_pickle_compat", &["NDArrayWrapper", "ZNDArrayWrapper"]),
];

/// Builtins that are plain types or constants.
#[rustfmt::skip]
const SAFE_BUILTINS: &[&str] = &[
    "set", "frozenset", "dict", "list", "tuple", "int", "float", "complex", "bool", "str", "bytes",
    "bytearray", "slice", "range", "object", "long", "unicode", "Ellipsis", "NotImplemented",
    "xrange", "basestring",
];

#[rustfmt::skip]
const TORCH_STORAGES: &[&str] = &[
    "LongStorage", "FloatStorage", "HalfStorage", "QUInt2x4Storage", "QUInt4x2Storage",
    "QInt32Storage", "QInt8Storage", "QUInt8Storage", "ComplexFloatStorage", "ComplexDoubleStorage",
    "DoubleStorage", "BFloat16Storage", "BoolStorage", "CharStorage", "ShortStorage", "IntStorage",
    "ByteStorage", "UntypedStorage", "TypedStorage", "Size", "device", "Tensor", "dtype", "float32",
    "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
    "complex64", "complex128", "half", "float", "double", "long", "int", "short", "cfloat",
    "cdouble", "float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64", "contiguous_format",
    "channels_last", "channels_last_3d", "preserve_format", "per_tensor_affine",
    "per_channel_affine", "strided", "sparse_coo", "sparse_csr", "qint8", "quint8", "qint32",
];

#[rustfmt::skip]
const TORCH_REBUILD: &[&str] = &[
    "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
    "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
    "_rebuild_device_tensor_from_numpy", "_rebuild_meta_tensor_no_storage",
    "_rebuild_wrapper_subclass", "_rebuild_nested_tensor", "_rebuild_xla_tensor",
];

/// Globals that legitimate checkpoints use (`module`, names).
#[rustfmt::skip]
const ALLOW: &[(&str, &[&str])] = &[
    ("collections", &["OrderedDict", "defaultdict", "Counter", "deque"]),
    ("copyreg", &["_reconstructor"]),
    ("copy_reg", &["_reconstructor"]),
    ("_codecs", &["encode"]),
    ("re", &["_compile"]),
    ("datetime", &["datetime", "date", "time", "timedelta", "timezone"]),
    ("decimal", &["Decimal"]),
    ("fractions", &["Fraction"]),
    ("argparse", &["Namespace"]),
    ("pathlib", &["PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath", "Path"]),
    ("torch", TORCH_STORAGES),
    ("torch._utils", TORCH_REBUILD),
    ("torch._tensor", &["_rebuild_from_type", "_rebuild_from_type_v2"]),
    ("torch.nn.parameter", &["Parameter", "UninitializedParameter", "Buffer"]),
    ("torch.nn", &["Parameter"]),
    ("torch.serialization", &["_get_layout"]),
    ("torch.nn.modules.linear", &["Linear", "Identity", "Bilinear", "LazyLinear"]),
    ("torch.nn.modules.conv", &["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]),
    ("torch.nn.modules.batchnorm", &["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]),
    ("torch.nn.modules.normalization", &["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm"]),
    ("torch.nn.modules.activation", &["ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "LeakyReLU", "ELU", "Mish", "Hardswish", "MultiheadAttention", "PReLU", "Softplus"]),
    ("torch.nn.modules.dropout", &["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"]),
    ("torch.nn.modules.sparse", &["Embedding", "EmbeddingBag"]),
    ("torch.nn.modules.container", &["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]),
    ("torch.nn.modules.rnn", &["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]),
    ("torch.nn.modules.pooling", &["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]),
    ("torch.nn.modules.flatten", &["Flatten", "Unflatten"]),
    ("torch.nn.modules.transformer", &["Transformer", "TransformerEncoder", "TransformerEncoderLayer", "TransformerDecoder", "TransformerDecoderLayer"]),
    ("torch.nn.modules.loss", &["CrossEntropyLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "L1Loss"]),
    ("torch.optim.adam", &["Adam"]),
    ("torch.optim.adamw", &["AdamW"]),
    ("torch.optim.sgd", &["SGD"]),
    ("numpy", &["dtype", "ndarray", "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool_"]),
    ("numpy.core.multiarray", &["_reconstruct", "scalar"]),
    ("numpy._core.multiarray", &["_reconstruct", "scalar"]),
    ("numpy.core.numeric", &["_frombuffer"]),
    ("numpy._core.numeric", &["_frombuffer"]),
    ("numpy.dtypes", &["Float64DType", "Float32DType", "Float16DType", "Int64DType", "Int32DType", "Int16DType", "Int8DType", "UInt8DType", "UInt16DType", "UInt32DType", "UInt64DType", "BoolDType", "ObjectDType", "StrDType", "BytesDType", "VoidDType", "Complex64DType", "Complex128DType"]),
    ("numpy.random._pickle", &["__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor"]),
    ("numpy.random.mtrand", &["RandomState"]),
    ("numpy.random._mt19937", &["MT19937"]),
    ("numpy.random._pcg64", &["PCG64", "PCG64DXSM"]),
    ("numpy.random._philox", &["Philox"]),
    ("numpy.random._sfc64", &["SFC64"]),
    ("numpy.random.bit_generator", &["SeedSequence", "__pyx_unpickle_SeedSequence"]),
    ("numpy.random._generator", &["Generator"]),
    ("numpy.ma.core", &["_mareconstruct", "MaskedArray"]),
    ("numpy.ma", &["MaskedArray"]),
    ("sklearn.linear_model._logistic", &["LogisticRegression"]),
    ("sklearn.linear_model._base", &["LinearRegression"]),
    ("sklearn.linear_model._ridge", &["Ridge", "RidgeClassifier"]),
    ("sklearn.linear_model._coordinate_descent", &["Lasso", "ElasticNet"]),
    ("sklearn.linear_model._stochastic_gradient", &["SGDClassifier", "SGDRegressor"]),
    ("sklearn.svm._classes", &["SVC", "SVR", "LinearSVC", "LinearSVR", "NuSVC"]),
    ("sklearn.tree._classes", &["DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier", "ExtraTreeRegressor"]),
    ("sklearn.tree._tree", &["Tree"]),
    ("sklearn.ensemble._forest", &["RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor"]),
    ("sklearn.ensemble._gb", &["GradientBoostingClassifier", "GradientBoostingRegressor"]),
    ("sklearn.ensemble._hist_gradient_boosting.gradient_boosting", &["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]),
    ("sklearn.ensemble._weight_boosting", &["AdaBoostClassifier", "AdaBoostRegressor"]),
    ("sklearn._loss.loss", &["HalfBinomialLoss", "HalfMultinomialLoss", "HalfSquaredError", "AbsoluteError"]),
    ("sklearn._loss.link", &["LogitLink", "IdentityLink", "MultinomialLogit", "Interval"]),
    ("sklearn._loss._loss", &["CyHalfBinomialLoss", "CyHalfMultinomialLoss", "CyHalfSquaredError"]),
    ("sklearn.neighbors._classification", &["KNeighborsClassifier"]),
    ("sklearn.neighbors._regression", &["KNeighborsRegressor"]),
    ("sklearn.neighbors._kd_tree", &["KDTree", "newObj"]),
    ("sklearn.neighbors._ball_tree", &["BallTree", "newObj"]),
    ("sklearn.metrics._dist_metrics", &["newObj", "EuclideanDistance64", "ManhattanDistance64", "MinkowskiDistance64", "ChebyshevDistance64", "EuclideanDistance32"]),
    ("sklearn.ensemble._hist_gradient_boosting.binning", &["_BinMapper"]),
    ("sklearn.ensemble._hist_gradient_boosting.predictor", &["TreePredictor"]),
    ("sklearn.cluster._kmeans", &["KMeans", "MiniBatchKMeans"]),
    ("sklearn.decomposition._pca", &["PCA"]),
    ("sklearn.decomposition._truncated_svd", &["TruncatedSVD"]),
    ("sklearn.naive_bayes", &["GaussianNB", "MultinomialNB", "BernoulliNB"]),
    ("sklearn.preprocessing._data", &["StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler", "Normalizer"]),
    ("sklearn.preprocessing._label", &["LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"]),
    ("sklearn.preprocessing._encoders", &["OneHotEncoder", "OrdinalEncoder"]),
    ("sklearn.impute._base", &["SimpleImputer"]),
    ("sklearn.pipeline", &["Pipeline", "FeatureUnion"]),
    ("sklearn.compose._column_transformer", &["ColumnTransformer"]),
    ("sklearn.feature_extraction.text", &["TfidfVectorizer", "CountVectorizer", "TfidfTransformer", "HashingVectorizer"]),
    ("sklearn.dummy", &["DummyClassifier", "DummyRegressor"]),
    ("xgboost.sklearn", &["XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor"]),
    ("xgboost.core", &["Booster"]),
    ("lightgbm.sklearn", &["LGBMClassifier", "LGBMRegressor", "LGBMRanker"]),
    ("lightgbm.basic", &["Booster"]),
    ("transformers.training_args", &["TrainingArguments", "OptimizerNames"]),
    ("transformers.training_args_seq2seq", &["Seq2SeqTrainingArguments"]),
    ("transformers.trainer_utils", &["IntervalStrategy", "SchedulerType", "HubStrategy", "SaveStrategy", "EvaluationStrategy", "FSDPOption"]),
    ("transformers.trainer_pt_utils", &["AcceleratorConfig"]),
    ("transformers.debug_utils", &["DebugOption"]),
    ("accelerate.state", &["PartialState"]),
    ("accelerate.utils.dataclasses", &["DistributedType", "DeepSpeedPlugin"]),
];

/// Module components that make any import dangerous wherever they appear in the dotted path.
#[rustfmt::skip]
const DANGEROUS_COMPONENTS: &[&str] = &[
    "os", "posix", "nt", "subprocess", "sys", "builtins", "__builtin__", "socket", "pty", "runpy",
    "pickle", "_pickle", "marshal", "ctypes", "importlib", "shutil", "webbrowser", "commands",
    "pdb",
];

/// Leaf names that are code-execution or reflection primitives in any module.
#[rustfmt::skip]
const DANGEROUS_LEAVES: &[&str] = &[
    "eval", "exec", "execfile", "system", "popen", "popen2", "popen3", "popen4", "spawnl", "spawnv",
    "spawnve", "spawnvp", "execl", "execv", "execve", "execvp", "__import__", "getattr", "setattr",
    "delattr", "import_module", "load_module", "run_path", "run_module", "check_output",
    "check_call", "Popen", "getoutput", "runcode", "runsource", "execWrapper", "resolve_name",
    "locate", "loads",
];

fn dotted_prefixes(module: &str) -> impl Iterator<Item = &str> {
    module
        .char_indices()
        .filter(|&(_, c)| c == '.')
        .map(move |(i, _)| &module[..i])
        .chain(std::iter::once(module))
}

fn is_dunder(s: &str) -> bool {
    s.len() > 4 && s.starts_with("__") && s.ends_with("__")
}

fn name_matches(name: &str, entry: &str) -> bool {
    name == entry
        || (name.len() > entry.len()
            && name.starts_with(entry)
            && name.as_bytes()[entry.len()] == b'.')
}

fn in_table(table: &[(&str, &[&str])], module: &str, name: &str) -> bool {
    table
        .iter()
        .any(|(m, names)| *m == module && names.contains(&name))
}

/// Classifies an imported global `module`.`name`.
pub fn classify(module: &str, name: &str) -> Class {
    let excepted = in_table(DENY_EXCEPTIONS, module, name);
    if !excepted {
        if dotted_prefixes(module).any(|p| DENY_MODULES.contains(&p)) {
            return Class::Denied;
        }
        // A dotted name reaches attributes: `numpy.core._internal` + `sys.modules` is the
        // module path `numpy.core._internal.sys`, so check the combined path too.
        let full = format!("{module}.{name}");
        if dotted_prefixes(&full)
            .skip(1)
            .any(|p| DENY_MODULES.contains(&p))
        {
            return Class::Denied;
        }
        if DENY_NAMES
            .iter()
            .any(|(m, n)| *m == module && name_matches(name, n))
        {
            return Class::Denied;
        }
    }
    if excepted || in_table(ALLOW, module, name) {
        return Class::Allowed;
    }
    let module_parts = module.split('.');
    let mut name_parts = name.split('.');
    if module_parts
        .clone()
        .filter(|c| *c != "__main__" && *c != "__mp_main__")
        .chain(name_parts.clone())
        .any(is_dunder)
    {
        return Class::Dunder;
    }
    if module_parts
        .chain(name_parts.clone())
        .any(|c| DANGEROUS_COMPONENTS.contains(&c))
    {
        return Class::DeniedHeuristic;
    }
    if name_parts
        .next_back()
        .is_some_and(|l| DANGEROUS_LEAVES.contains(&l))
    {
        return Class::DeniedHeuristic;
    }
    Class::Unknown
}

/// Number of entries in the built-in tables, for documentation and tests.
pub fn table_sizes() -> (usize, usize, usize) {
    let allow: usize = ALLOW.iter().map(|(_, n)| n.len()).sum();
    (DENY_MODULES.len(), DENY_NAMES.len(), allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denylist_with_parent_inheritance() {
        assert_eq!(classify("os", "system"), Class::Denied);
        assert_eq!(classify("os.path", "join"), Class::Denied);
        assert_eq!(classify("posix", "system"), Class::Denied);
        assert_eq!(classify("builtins", "eval"), Class::Denied);
        assert_eq!(classify("__builtin__", "getattr"), Class::Denied);
        assert_eq!(classify("torch", "load"), Class::Denied);
        assert_eq!(classify("torch.storage", "_load_from_bytes"), Class::Denied);
        assert_eq!(classify("pkgutil", "resolve_name"), Class::Denied);
        assert_eq!(classify("functools", "partial"), Class::Denied);
        assert_eq!(classify("operator", "attrgetter"), Class::Denied);
        assert_eq!(classify("pydoc", "locate"), Class::Denied);
        assert_eq!(
            classify("multiprocessing.util", "spawnv_passfds"),
            Class::Denied
        );
        assert_eq!(classify("torch.utils.collect_env", "run"), Class::Denied);
        assert_eq!(classify("pandas", "read_csv"), Class::Denied);
        assert_eq!(
            classify("numpy.core._internal", "sys.modules"),
            Class::Denied
        );
        assert_eq!(classify("numpy", "__builtins__"), Class::Denied);
        assert_eq!(classify("trace", "Trace.run"), Class::Denied);
        assert_eq!(classify("picklescan", "scanner"), Class::Denied);
    }

    #[test]
    fn allowlist_and_exceptions() {
        assert_eq!(
            classify("torch._utils", "_rebuild_tensor_v2"),
            Class::Allowed
        );
        assert_eq!(classify("collections", "OrderedDict"), Class::Allowed);
        assert_eq!(
            classify("numpy.core.multiarray", "_reconstruct"),
            Class::Allowed
        );
        assert_eq!(classify("builtins", "set"), Class::Allowed);
        assert_eq!(
            classify("joblib.numpy_pickle", "NumpyArrayWrapper"),
            Class::Allowed
        );
        assert_eq!(classify("joblib", "load"), Class::Denied);
        assert_eq!(
            classify("numpy.random._pickle", "__randomstate_ctor"),
            Class::Allowed
        );
        assert_eq!(classify("sklearn.tree._tree", "Tree"), Class::Allowed);
        // Found on real files: protocol 0-2 pickles of range, numpy Generator, masked arrays,
        // KNN and histogram gradient boosting models.
        assert_eq!(classify("__builtin__", "xrange"), Class::Allowed);
        assert_eq!(
            classify("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
            Class::Allowed
        );
        assert_eq!(classify("numpy.ma.core", "_mareconstruct"), Class::Allowed);
        assert_eq!(
            classify("sklearn.neighbors._kd_tree", "newObj"),
            Class::Allowed
        );
        assert_eq!(
            classify(
                "sklearn.ensemble._hist_gradient_boosting.predictor",
                "TreePredictor"
            ),
            Class::Allowed
        );
    }

    #[test]
    fn heuristics_and_unknowns() {
        assert_eq!(classify("mypkg.os", "thing"), Class::DeniedHeuristic);
        assert_eq!(classify("mypkg", "eval"), Class::DeniedHeuristic);
        assert_eq!(classify("numpy", "__class__"), Class::Dunder);
        assert_eq!(classify("__main__", "MyModel"), Class::Unknown);
        assert_eq!(classify("mypkg.models", "Net"), Class::Unknown);
        assert_eq!(classify("re", "compile"), Class::Unknown);
    }
}
