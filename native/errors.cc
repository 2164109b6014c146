// The one place where C++ exceptions become JS exceptions.
//   ArgTypeError          -> TypeError (a JS argument of the wrong kind)
//   c10::Error and kin    -> TorchError with PyTorch's message (no C++ backtrace) and the
//                            Python exception type PyTorch would raise (IndexError, ...)
//   PythonError           -> TorchError with its own python_type (OSError from image decoding)
//   anything else         -> TorchError
#include "common.h"

#include <c10/util/Exception.h>

namespace tts {
namespace {

// Python rewrites ATen type names in error messages (torch/csrc/Exceptions.cpp processErrorMsg):
// "CPUFloatType" reads "torch.FloatTensor". Longer names first: "SparseCPUFloatType" contains
// "CPUFloatType".
std::string ProcessErrorMsg(std::string msg) {
  static const char* kTypes[] = {"Byte", "Char", "Double", "Float", "Int", "Long", "Short", "Half"};
  struct Prefix {
    const char* aten;
    const char* python;
  };
  static const Prefix kPrefixes[] = {
      {"Variable[SparseCUDA", "torch.cuda.sparse."}, {"Variable[SparseCPU", "torch.sparse."},
      {"Variable[CUDA", "torch.cuda."},              {"Variable[CPU", "torch."},
      {"SparseCUDA", "torch.cuda.sparse."},          {"SparseCPU", "torch.sparse."},
      {"CUDA", "torch.cuda."},                       {"CPU", "torch."},
  };
  if (msg.find("Type") == std::string::npos) return msg;
  for (const Prefix& p : kPrefixes) {
    const bool variable = std::string(p.aten).rfind("Variable[", 0) == 0;
    for (const char* t : kTypes) {
      const std::string from = std::string(p.aten) + t + "Type" + (variable ? "]" : "");
      const std::string to = std::string(p.python) + t + "Tensor";
      for (size_t pos = msg.find(from); pos != std::string::npos; pos = msg.find(from, pos + to.size()))
        msg.replace(pos, from.size(), to);
    }
  }
  return msg;
}

}  // namespace

napi_value MakeTorchError(napi_env env, const std::string& message, const char* python_type) {
  napi_value msg, type, error = nullptr;
  const std::string text = ProcessErrorMsg(message);
  napi_create_string_utf8(env, text.data(), text.size(), &msg);
  napi_create_string_utf8(env, python_type, NAPI_AUTO_LENGTH, &type);
  EnvData* d = GetEnvData(env);
  napi_value ctor = nullptr;
  if (d->error_ctor != nullptr) napi_get_reference_value(env, d->error_ctor, &ctor);
  if (ctor != nullptr) {
    napi_value argv[2] = {msg, type};
    if (napi_new_instance(env, ctor, 2, argv, &error) != napi_ok) error = nullptr;
  }
  if (error == nullptr) {
    napi_create_error(env, nullptr, msg, &error);
    napi_set_named_property(env, error, "python_type", type);
  }
  return error;
}

void ThrowTorchError(napi_env env, const std::string& message, const char* python_type) {
  napi_throw(env, MakeTorchError(env, message, python_type));
}

napi_value ThrowCurrent(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return nullptr;  // a JS exception (from a getter, say) already explains it
  try {
    throw;
  } catch (const ArgTypeError& e) {
    napi_throw_type_error(env, nullptr, e.what());
  } catch (const PythonError& e) {
    ThrowTorchError(env, e.what(), e.python_type.c_str());
  } catch (const c10::IndexError& e) {
    ThrowTorchError(env, e.what_without_backtrace(), "IndexError");
  } catch (const c10::ValueError& e) {
    ThrowTorchError(env, e.what_without_backtrace(), "ValueError");
  } catch (const c10::TypeError& e) {
    ThrowTorchError(env, e.what_without_backtrace(), "TypeError");
  } catch (const c10::NotImplementedError& e) {
    ThrowTorchError(env, e.what_without_backtrace(), "NotImplementedError");
  } catch (const c10::Error& e) {
    ThrowTorchError(env, e.what_without_backtrace(), "RuntimeError");
  } catch (const std::bad_alloc&) {
    ThrowTorchError(env, "out of memory", "RuntimeError");
  } catch (const std::exception& e) {
    ThrowTorchError(env, e.what(), "RuntimeError");
  } catch (...) {
    ThrowTorchError(env, "unknown C++ exception", "RuntimeError");
  }
  return nullptr;
}

}  // namespace tts
