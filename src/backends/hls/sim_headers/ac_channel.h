// ac_channel.h: hlsforge's C-simulation ac_channel<T> of Catapult HLS (an
// unbounded FIFO between the blocks of a design, passed by reference; it
// cannot be copied). Written from the documented interface: read / write /
// nb_read / nb_write / peek / size / empty / available(k) / reset, and the
// constructors ac_channel(n) and ac_channel(n, v) that start the channel
// with n default values or n copies of v (and reset() refills it so).
// Reading or peeking an empty channel is an error in the vendor's model (an
// assertion): here it prints a message naming ac_channel and aborts.
#ifndef HLSFORGE_SIM_AC_CHANNEL_H
#define HLSFORGE_SIM_AC_CHANNEL_H

#include <cstdio>
#include <cstdlib>
#include <deque>

template <class T>
class ac_channel {
 public:
  typedef T element_type;

  ac_channel() = default;
  explicit ac_channel(int init) : reset_size_(init) { fill(); }
  ac_channel(int init, T val) : reset_size_(init), reset_value_(val) { fill(); }
  ac_channel(const ac_channel&) = delete;
  ac_channel& operator=(const ac_channel&) = delete;

  T read() {
    T t = front("read");
    q_.pop_front();
    return t;
  }
  void read(T& t) { t = read(); }
  bool nb_read(T& t) {
    if (q_.empty()) return false;
    t = read();
    return true;
  }
  T peek() { return front("peek"); }
  void peek(T& t) { t = peek(); }
  bool nb_peek(T& t) {
    if (q_.empty()) return false;
    t = peek();
    return true;
  }

  void write(const T& t) { q_.push_back(t); }
  bool nb_write(const T& t) {
    q_.push_back(t);
    return true;
  }

  unsigned int size() const { return static_cast<unsigned int>(q_.size()); }
  unsigned int debug_size() const { return size(); }
  bool empty() const { return q_.empty(); }
  /// True when the channel holds at least k values.
  bool available(unsigned int k) const { return q_.size() >= k; }
  void reset() {
    q_.clear();
    fill();
  }
  const T& operator[](unsigned int pos) const { return q_[pos]; }

 private:
  const T& front(const char* what) const {
    if (q_.empty()) {
      std::fprintf(stderr, "ac_channel: %s from an empty channel\n", what);
      std::abort();
    }
    return q_.front();
  }
  void fill() {
    for (int i = 0; i < reset_size_; ++i) q_.push_back(reset_value_);
  }

  std::deque<T> q_;
  int reset_size_ = 0;
  T reset_value_ = T();
};

#endif  // HLSFORGE_SIM_AC_CHANNEL_H
